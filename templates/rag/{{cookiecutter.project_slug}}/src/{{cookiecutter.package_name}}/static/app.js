// The demo UI: asks through the streaming endpoint and shows clickable citations.
"use strict";

const $ = (id) => document.getElementById(id);
let citations = [];

function showDetail(citation) {
  $("detail").hidden = false;
  $("detail-title").textContent = `[${citation.id}] ${citation.source}`;
  $("detail-heading").textContent = citation.heading || citation.title || "";
  $("detail-text").textContent = citation.snippet;
}

function renderCitations(list) {
  citations = list;
  const ol = $("citations");
  ol.replaceChildren();
  for (const c of list) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = c.heading ? `${c.source} — ${c.heading}` : c.source;
    link.addEventListener("click", () => showDetail(c));
    li.value = c.id;
    li.appendChild(link);
    ol.appendChild(li);
  }
}

async function refreshDocuments() {
  try {
    const response = await fetch("/documents");
    const data = await response.json();
    const ul = $("documents");
    ul.replaceChildren();
    for (const d of data.documents) {
      const li = document.createElement("li");
      li.textContent = `${d.source} (${d.chunks} ${d.chunks === 1 ? "chunk" : "chunks"})`;
      ul.appendChild(li);
    }
    const ready = await (await fetch("/ready")).json();
    $("status").textContent = data.documents.length
      ? `${data.documents.length} documents, ${data.total_chunks} chunks · answers: ${ready.llm}` +
        ` · embeddings: ${ready.embeddings}`
      : "The index is empty: upload documents or run the ingest command first.";
  } catch (err) {
    $("status").textContent = `Cannot reach the server: ${err}`;
  }
}

function parseEvents(buffer, onEvent) {
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop();
  for (const block of blocks) {
    let event = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    if (data) onEvent(event, JSON.parse(data));
  }
  return rest;
}

async function ask(question) {
  $("answer").textContent = "";
  $("answer").classList.remove("error");
  $("mode").textContent = "";
  $("detail").hidden = true;
  renderCitations([]);
  const response = await fetch("/ask/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ question }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    $("answer").textContent = typeof body.detail === "string" ? body.detail
      : JSON.stringify(body.detail);
    $("answer").classList.add("error");
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    buffer = parseEvents(buffer, (event, data) => {
      if (event === "citations") {
        renderCitations(data.citations);
        $("mode").textContent = `Answered by: ${data.mode}`;
      } else if (event === "token") {
        $("answer").textContent += data.text;
      } else if (event === "done") {
        $("answer").textContent = data.answer;
        renderCitations(data.citations);
      } else if (event === "error") {
        $("answer").textContent += `\n${data.detail}`;
        $("answer").classList.add("error");
      }
    });
  }
}

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  $("ask-button").disabled = true;
  try {
    await ask(question);
  } catch (err) {
    $("answer").textContent = `Request failed: ${err}`;
  } finally {
    $("ask-button").disabled = false;
  }
});

$("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const files = $("files").files;
  if (!files.length) return;
  const form = new FormData();
  for (const file of files) form.append("files", file);
  $("upload-result").textContent = "Indexing…";
  // The admin token (ADMIN_TOKEN on the server) stays in this tab only.
  const token = $("admin-token").value.trim();
  if (token) sessionStorage.setItem("adminToken", token);
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch("/ingest", { method: "POST", body: form, headers });
  const report = await response.json();
  const skipped = (report.skipped || []).map((s) => `${s.source}: ${s.reason}`);
  $("upload-result").textContent = response.ok
    ? `${report.added.length} added, ${report.updated.length} updated, ` +
      `${report.unchanged.length} unchanged, ${report.duplicates.length} duplicates, ` +
      `${report.skipped.length} skipped` + (skipped.length ? ` (${skipped.join("; ")})` : "")
    : `Upload failed: ${typeof report.detail === "string" ? report.detail : JSON.stringify(report.detail)}`;
  $("admin-token").value = sessionStorage.getItem("adminToken") || "";
refreshDocuments();
});

$("admin-token").value = sessionStorage.getItem("adminToken") || "";
refreshDocuments();
