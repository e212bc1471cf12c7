// The web UI: POST /runs, read the server-sent events as they arrive, show each step.
// No framework and no CDN: EventSource cannot POST, so the stream is parsed by hand.
"use strict";

const $ = (id) => document.getElementById(id);
const sessionId = localStorage.getItem("agent-session") || Math.random().toString(36).slice(2, 14);
localStorage.setItem("agent-session", sessionId);
$("session").textContent = sessionId;

fetch("/info").then((r) => r.json()).then((info) => {
  document.title = info.name;
  $("title").textContent = info.name;
  $("subtitle").textContent = info.description;
  $("model").textContent = info.provider + " / " + info.model;
  $("tools").textContent = info.tools.map((t) => t.name + (t.requires_approval ? " (approval)" : "")).join(", ");
});

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function short(value, limit = 600) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > limit ? text.slice(0, limit) + "…" : text;
}

function addStep(kind, title, body, className) {
  const item = el("li", className || "");
  item.appendChild(el("div", "kind", kind));
  item.appendChild(el("strong", "", title));
  if (body) item.appendChild(el("pre", "", body));
  $("steps").appendChild(item);
  return item;
}

async function decide(runId, callId, approved, item) {
  item.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  const response = await fetch(`/runs/${runId}/approvals/${callId}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ approved: approved }),
  });
  if (!response.ok) item.appendChild(el("p", "", "Could not send the decision: " + response.status));
}

function show(event) {
  const status = $("status");
  switch (event.type) {
    case "run_started":
      status.textContent = "running";
      addStep("start", "Run " + event.run_id, event.provider + " / " + event.model);
      break;
    case "model_call":
      if (event.tool_calls.length) {
        const calls = event.tool_calls.map((c) => c.name + "(" + short(c.arguments, 300) + ")").join("\n");
        addStep("step " + event.step, event.thought || "Calling tools", calls);
      } else {
        addStep("step " + event.step, "Final answer", "");
      }
      break;
    case "approval_required": {
      status.textContent = "waiting for approval";
      const item = addStep("approval", "Approve " + event.tool + "?", short(event.arguments), "approval");
      if (event.reason) item.appendChild(el("p", "reason", "Why you are asked: " + event.reason));
      const actions = el("div", "actions");
      const yes = el("button", "approve", "Approve");
      const no = el("button", "deny", "Deny");
      yes.onclick = () => decide(event.run_id, event.call_id, true, item);
      no.onclick = () => decide(event.run_id, event.call_id, false, item);
      actions.append(yes, no);
      item.appendChild(actions);
      break;
    }
    case "approval_resolved":
      status.textContent = "running";
      addStep("approval", event.tool + (event.approved ? " approved" : " denied"), event.reason, "approval");
      break;
    case "tool_result":
      addStep("result", event.name + " (" + Math.round(event.duration_ms) + " ms)", short(event.result),
              event.is_error ? "error" : "result");
      break;
    case "final":
      status.textContent = event.stop_reason;
      $("answer").textContent = event.answer;
      $("totals").textContent = `${event.steps} steps · ${event.total_tokens} tokens · $${event.cost_usd.toFixed(4)} · ${Math.round(event.duration_ms)} ms`;
      break;
    case "error":
      status.textContent = "failed";
      $("answer").textContent = "The run failed: " + event.message;
      break;
  }
}

function parseBlock(block) {
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("data:")) data += line.slice(5).trim();
  }
  return data ? JSON.parse(data) : null;
}

async function run(question) {
  $("run").hidden = false;
  $("steps").replaceChildren();
  $("answer").textContent = "";
  $("totals").textContent = "";
  $("send").disabled = true;
  try {
    const body = { question: question, stream: true };
    if ($("use-session").checked) body.session_id = sessionId;
    const response = await fetch("/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error("HTTP " + response.status + ": " + (await response.text()));
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = parseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (event) show(event);
      }
    }
  } catch (error) {
    $("status").textContent = "failed";
    $("answer").textContent = String(error);
  } finally {
    $("send").disabled = false;
  }
}

$("ask").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (question) run(question);
});

document.querySelectorAll(".example").forEach((button) => {
  button.addEventListener("click", () => {
    $("question").value = button.textContent;
    run(button.textContent);
  });
});
