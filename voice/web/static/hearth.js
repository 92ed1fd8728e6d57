// Hearth's page: a little plain JavaScript (no library, nothing from the internet).
"use strict";
const csrf = () => document.querySelector('meta[name="csrf"]').content;

async function post(url, fields) {
  const body = new URLSearchParams(fields);
  const response = await fetch(url, {
    method: "POST", body, credentials: "same-origin",
    headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: "The page got no answer it could read; reload it." }; }
  return { status: response.status, data };
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// -- the script editor -------------------------------------------------------
function setUpEditor(form) {
  const area = document.getElementById("yaml"), gutter = document.getElementById("gutter");
  const list = document.getElementById("problems"), status = document.getElementById("status");
  const url = `/scripts/yours/${form.dataset.stem}`;
  let timer = null, marks = {};

  function drawGutter() {
    const count = area.value.split("\n").length;
    gutter.replaceChildren();
    for (let i = 1; i <= count; i++) {
      const span = el("span", String(i));
      span.id = `line-${i}`;
      if (marks[i]) { span.className = marks[i].warning ? "warn" : "bad"; span.title = marks[i].message; }
      gutter.append(span);
    }
    gutter.scrollTop = area.scrollTop;
  }

  function goTo(line) {
    const lines = area.value.split("\n");
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }

  function show(data) {
    marks = {};
    list.replaceChildren();
    for (const p of data.problems || []) {
      const item = el("li", "", p.warning ? "warn" : "bad");
      item.dataset.line = p.line;
      if (p.line > 0) {
        const button = el("button", `line ${p.line}`);
        button.type = "button";
        button.addEventListener("click", () => goTo(p.line));
        item.append(button);
        if (p.file === `${form.dataset.stem}.yaml` && !marks[p.line]) marks[p.line] = p;
      }
      item.append(el("span", p.text));
      list.append(item);
    }
    if (!list.children.length) list.append(el("li", "No problems.", "ok"));
    if (data.count !== undefined) {
      document.getElementById("count").textContent = data.intent
        ? `${data.intent}: ${data.count} sentence(s). A few of them:` : "";
      const sample = document.getElementById("sample");
      sample.replaceChildren(...(data.sample || []).map((s) => el("li", s)));
    }
    drawGutter();
  }

  async function check() {
    const { data } = await post(`${url}/check`, { text: area.value, base: form.dataset.base });
    if (data.error) { status.textContent = data.error; return; }
    show(data);
    if (data.changed_on_disk) status.textContent = "This file changed on disk since you opened it; saving will show both versions.";
  }

  async function save(base) {
    status.textContent = "Saving…";
    const { status: code, data } = await post(`${url}/save`, { text: area.value, base });
    if (data.error) { status.textContent = data.error; return; }
    if (data.conflict) {
      document.getElementById("conflict").hidden = false;
      document.getElementById("conflict-message").textContent = data.message;
      document.getElementById("disk").textContent = data.disk;
      form.dataset.diskBase = data.base;
      status.textContent = "Not saved: changed elsewhere.";
      return;
    }
    show(data);
    if (data.saved) {
      form.dataset.base = data.base;
      document.getElementById("conflict").hidden = true;
      status.textContent = "Saved. Hearth uses it from now on.";
    } else {
      status.textContent = `Not saved (${code === 422 ? "it has problems; your last good file is kept" : "error"}).`;
    }
  }

  area.addEventListener("input", () => { drawGutter(); clearTimeout(timer); timer = setTimeout(check, 400); });
  area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
  area.addEventListener("keydown", (event) => {
    if (event.key === "s" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(form.dataset.base); }
  });
  document.getElementById("save").addEventListener("click", () => save(form.dataset.base));
  document.getElementById("keep-mine").addEventListener("click", () => save(form.dataset.diskBase));
  document.getElementById("take-disk").addEventListener("click", () => {
    area.value = document.getElementById("disk").textContent;
    form.dataset.base = form.dataset.diskBase;
    document.getElementById("conflict").hidden = true;
    status.textContent = "Took the version on disk.";
    check();
  });
  drawGutter();
  check();
}

// -- try it ----------------------------------------------------------------------
function player(text) {
  const audio = el("audio");
  audio.controls = true;
  audio.preload = "none";
  audio.src = `/speech?text=${encodeURIComponent(text)}`;
  audio.setAttribute("aria-label", "Hearth's reply, in its voice");
  return audio;
}

function setUpTry() {
  const tried = document.getElementById("tried");
  document.getElementById("try-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data } = await post("/try/sentence", { sentence: document.getElementById("sentence").value });
    tried.replaceChildren();
    if (data.error) { tried.append(el("p", data.error, "bad")); return; }
    const table = el("table", undefined, "list");
    table.id = "matches";
    table.append(el("caption", `Heard as: ${data.heard}`));
    const head = el("tr");
    for (const h of ["Intent", "Score", "Phrase, learned", "Closest phrase"]) head.append(el("th", h));
    table.append(head);
    for (const m of data.matches) {
      const row = el("tr");
      for (const v of [m.intent, m.confidence.toFixed(2), `${m.phrase_score.toFixed(2)}, ${m.learned.toFixed(2)}`, m.phrase]) row.append(el("td", String(v)));
      table.append(row);
    }
    tried.append(table);
    const slots = Object.entries(data.slots).map(([k, v]) => `${k}=${v}`).join(", ");
    tried.append(el("p", data.intent ? `Intent: ${data.intent}${slots ? ` (${slots})` : ""}` : `Not understood (${data.reason}); Hearth would ask again.`));
    const reply = el("p", `Hearth: ${data.reply}`, "reply");
    reply.id = "reply";
    tried.append(reply, player(data.reply));
  });

  const turns = document.getElementById("turns");
  document.getElementById("talk-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const say = document.getElementById("say");
    const { data } = await post("/try/converse", { text: say.value });
    if (data.error) { turns.append(el("li", data.error, "bad")); return; }
    turns.append(el("li", `You: ${data.you}`));
    const item = el("li", `Hearth: ${data.hearth}`, "hearth");
    if (data.expects_answer) item.append(el("em", " (waiting for your answer)"));
    if (data.ended) item.append(el("em", " (conversation closed)"));
    turns.append(item);
    say.value = "";
    say.focus();
  });
  document.getElementById("talk-reset").addEventListener("click", async () => {
    await post("/try/converse", { reset: "1" });
    turns.replaceChildren();
  });

  const results = document.getElementById("test-results");
  document.getElementById("tests-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data } = await post("/try/tests", { tests: document.getElementById("tests").value });
    results.replaceChildren();
    if (data.error) { results.append(el("p", data.error, "bad")); return; }
    results.append(el("p", `${data.passed} passed, ${data.failed} failed`, data.failed ? "bad" : "ok"));
    const table = el("table", undefined, "list");
    table.id = "test-table";
    for (const r of data.results) {
      const row = el("tr", undefined, r.passed ? "ok" : "bad");
      const slots = Object.entries(r.slots).map(([k, v]) => `${k}=${v}`).join(", ");
      for (const v of [r.passed ? "passed" : "failed", `line ${r.line}`, r.sentence, `expected ${r.expected}`, `got ${r.got}${slots ? ` (${slots})` : ""} ${r.confidence.toFixed(2)}`]) row.append(el("td", v));
      table.append(row);
    }
    results.append(table);
  });
}

// -- settings: hear the voice before saving it ------------------------------------
function setUpHearIt(button) {
  button.addEventListener("click", () => {
    const audio = document.getElementById("hear-audio");
    const q = new URLSearchParams();
    for (const name of ["voice", "rate", "volume"]) q.set(name, document.getElementById(`f-${name}`).value);
    audio.src = `/speech?${q}`;
    audio.hidden = false;
    audio.play().catch(() => {});
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("editor");
  if (editor) setUpEditor(editor);
  if (document.getElementById("try-form")) setUpTry();
  const hear = document.getElementById("hear-it");
  if (hear) setUpHearIt(hear);
});
