// Streams answers into the page over server-sent events. htmx does the forms; this does the rest.
(function () {
  "use strict";

  function formatNumber(n) {
    return Number(n).toLocaleString("en-US");
  }

  function updateUsage(data) {
    var used = document.getElementById("usage-used");
    var meter = document.getElementById("usage-meter");
    if (used && data.used_today !== undefined) used.textContent = formatNumber(data.used_today);
    if (meter && data.used_today !== undefined) meter.value = data.used_today;
  }

  function stream(el) {
    var url = el.getAttribute("data-stream-url");
    if (!url || el.dataset.streaming) return;
    el.dataset.streaming = "1";
    el.classList.add("streaming");
    var content = el.querySelector(".content");
    var meta = el.querySelector(".meta");
    var problem = el.querySelector(".message-error");
    var source = new EventSource(url);
    var messages = document.getElementById("messages");

    function finish(status) {
      source.close();
      el.classList.remove("streaming");
      el.removeAttribute("data-stream-url");
      el.dataset.status = status;
    }

    source.addEventListener("token", function (event) {
      content.textContent += JSON.parse(event.data);
      if (messages) messages.scrollTop = messages.scrollHeight;
    });
    source.addEventListener("done", function (event) {
      var data = JSON.parse(event.data);
      if (meta) {
        meta.textContent = data.input_tokens + " tokens in · " + data.output_tokens + " out" +
          (data.cost_usd ? " · $" + data.cost_usd.toFixed(5) : "");
      }
      updateUsage(data);
      finish("complete");
    });
    source.addEventListener("failure", function (event) {
      problem.textContent = JSON.parse(event.data).message;
      problem.hidden = false;
      el.classList.add("failed");
      finish("error");
    });
    source.onerror = function () {
      // The connection dropped before "done": say so instead of retrying forever.
      if (el.dataset.status === "complete" || el.dataset.status === "error") return;
      problem.textContent = "The connection was lost. Reload the page to see the answer.";
      problem.hidden = false;
      finish("error");
    };
  }

  function streamAll(root) {
    if (root.matches && root.matches("[data-stream-url]")) stream(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-stream-url]").forEach(stream);
  }

  document.addEventListener("DOMContentLoaded", function () {
    streamAll(document);
    if (window.htmx) window.htmx.onLoad(streamAll);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
      var error = document.getElementById("composer-error");
      if (error) error.textContent = "";
    }
  });

  // A request htmx could not complete (expired form, lost connection, server error): say so.
  function showProblem(text) {
    var box = document.getElementById("composer-error");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "form-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    showProblem(status === 403 ? "This page has expired. Reload it and try again."
      : "That did not work (error " + status + "). Please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showProblem("Could not reach the server. Check your connection and try again.");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form &&
        event.target.matches("textarea")) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
})();
