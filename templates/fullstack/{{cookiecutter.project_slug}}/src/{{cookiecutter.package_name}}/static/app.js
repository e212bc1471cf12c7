// Streams answers into the page over server-sent events, with Stop, Copy and Retry.
// htmx does the forms; this does the rest. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var messages = function () { return document.getElementById("messages"); };

  function formatNumber(n) {
    return Number(n).toLocaleString("en-US");
  }

  // The meter's own low/high marks make it amber, then red; the label follows.
  function updateUsage(data) {
    if (data.used_today === undefined) return;
    var used = document.getElementById("usage-used");
    var meter = document.getElementById("usage-meter");
    var box = document.getElementById("usage");
    if (used) used.textContent = formatNumber(data.used_today);
    if (meter) meter.value = data.used_today;
    if (box && data.level) box.dataset.level = data.level;
  }

  // Follow the answer as it grows, unless the reader scrolled up to read something else.
  function nearBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }
  function follow(box, force) {
    if (box && (force || nearBottom(box))) box.scrollTop = box.scrollHeight;
  }

  function showActions(el, live) {
    el.querySelectorAll("[data-action=stop]").forEach(function (b) { b.hidden = !live; });
    el.querySelectorAll("[data-action=copy]").forEach(function (b) { b.hidden = live; });
    el.querySelectorAll("form").forEach(function (f) { f.hidden = live; });
  }

  function stream(el) {
    var url = el.getAttribute("data-stream-url");
    if (!url || el.dataset.streaming) return;
    el.dataset.streaming = "1";
    el.classList.add("streaming");
    var content = el.querySelector(".content");
    var meta = el.querySelector(".meta");
    var problem = el.querySelector(".message-error");
    var raw = "";
    var source = new EventSource(url);
    showActions(el, true);
    follow(messages(), true);

    function finish(status, html) {
      source.close();
      el.classList.remove("streaming");
      el.removeAttribute("data-stream-url");
      el.dataset.raw = raw;
      if (html !== undefined) {
        content.innerHTML = html; // rendered and sanitised (nh3) by the server
        content.classList.add("markdown");
      }
      el.dataset.status = status;
      showActions(el, false);
    }
    function fail(text, html) {
      problem.textContent = text;
      problem.hidden = false;
      el.classList.add("failed");
      finish("error", html);
    }

    source.addEventListener("token", function (event) {
      var box = messages();
      var atBottom = box && nearBottom(box);
      raw += JSON.parse(event.data);
      content.textContent = raw;
      if (atBottom) follow(box, true);
    });
    source.addEventListener("done", function (event) {
      var data = JSON.parse(event.data);
      if (meta) {
        meta.textContent = data.input_tokens + " tokens in · " + data.output_tokens + " out" +
          (data.cost_usd ? " · $" + data.cost_usd.toFixed(5) : "");
      }
      updateUsage(data);
      finish("complete", data.html);
    });
    source.addEventListener("failure", function (event) {
      var data = JSON.parse(event.data);
      updateUsage(data);
      fail(data.message, raw ? data.html : undefined);
    });
    source.onerror = function () {
      // The connection dropped before "done": say so instead of retrying forever.
      if (el.dataset.status === "complete" || el.dataset.status === "error") return;
      fail("The connection was lost. Retry, or reload the page to see the answer.");
    };
    el.stopStreaming = function () {
      // Closing the stream tells the server: it keeps (and bills) what was written so far.
      fail("You stopped this answer.");
    };
  }

  function streamAll(root) {
    if (root.matches && root.matches("[data-stream-url]")) stream(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-stream-url]").forEach(stream);
  }

  function copy(el, button) {
    var text = el.dataset.raw || el.querySelector(".content").innerText;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Copy failed"; });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action]");
    if (!button) return;
    var el = button.closest(".message");
    if (button.dataset.action === "stop" && el && el.stopStreaming) el.stopStreaming();
    if (button.dataset.action === "copy" && el) copy(el, button);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var drawer = document.querySelector(".drawer");
    if (drawer && window.matchMedia("(max-width: 720px)").matches) drawer.open = false;
    follow(messages(), true);
    streamAll(document);
    if (window.htmx) window.htmx.onLoad(streamAll);
  });

  // Clear the box only when the question was taken; a refusal (over quota, too long) keeps the
  // draft and shows the server's sentence under it.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form.matches("form[data-reset-on-success]") && status >= 200 && status < 300) {
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
    var elt = event.detail.elt;
    // A retry right after Stop can reach the server before it has saved the stopped answer.
    if (status === 409 && elt.matches("form[hx-post$='/retry']") && !elt.dataset.retried) {
      elt.dataset.retried = "1";
      setTimeout(function () { window.htmx.trigger(elt, "submit"); }, 400);
      return;
    }
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
