// The ranked-lists view: a subject's history beside the lists of two rankers, fetched
// from the project's own API at the paths the page's config names. Plain DOM, no
// libraries, no build step.
"use strict";

const byId = (id) => document.getElementById(id);
let config = null;

function setStatus(text, state) {
  const status = byId("status");
  status.textContent = text;
  status.dataset.state = state;
}

function option(value, label) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  return element;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

function fill(listId, entries) {
  const list = byId(listId);
  list.replaceChildren();
  for (const entry of entries) {
    const item = document.createElement("li");
    item.textContent = entry.item_id;
    item.dataset.item = entry.item_id;
    if (entry.score !== undefined) {
      const score = document.createElement("span");
      score.textContent = entry.score.toFixed(3);
      item.append(score);
    }
    list.append(item);
  }
}

function markShared() {
  // Items both models recommend are shown in bold in both lists.
  const left = new Set([...byId("list-a").children].map((li) => li.dataset.item));
  const right = new Set([...byId("list-b").children].map((li) => li.dataset.item));
  for (const li of [...byId("list-a").children, ...byId("list-b").children]) {
    li.classList.toggle("both", left.has(li.dataset.item) && right.has(li.dataset.item));
  }
}

function fillPath(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name]));
}

async function show(event) {
  if (event) event.preventDefault();
  const user = byId("user").value.trim();
  if (!user) {
    setStatus(config.labels.missing, "error");
    return;
  }
  const k = byId("k").value || config.default_k;
  const models = [byId("model-a").value, byId("model-b").value];
  setStatus("Asking the API…", "loading");
  try {
    const [history, a, b] = await Promise.all([
      getJson(fillPath(config.history_path, { id: user })),
      ...models.map((m) => getJson(fillPath(config.list_path, { id: user, k: k, model: m }))),
    ]);
    byId("history-title").textContent =
      `${config.labels.history} (${history.items.length})`;
    fill("history", history.items.map((item_id) => ({ item_id })));
    byId("a-title").textContent = config.labels.rankers[a.model];
    byId("b-title").textContent = config.labels.rankers[b.model];
    fill("list-a", a.items);
    fill("list-b", b.items);
    markShared();
    const fallback = byId("fallback");
    fallback.hidden = !a.fallback;
    fallback.textContent = a.fallback
      ? `${config.labels.fallback} (${a.fallback_reason}).`
      : "";
    setStatus(`Top ${k} for ${user}, model version ${a.model_version}.`, "done");
  } catch (error) {
    setStatus(`The API refused: ${error.message}`, "error");
  }
}

async function start() {
  try {
    config = await getJson(document.body.dataset.config);
  } catch (error) {
    setStatus(`Could not load the page's settings: ${error.message}`, "error");
    return;
  }
  byId("title").textContent = config.title;
  byId("intro").textContent = config.intro;
  document.title = config.title;
  byId("subject-label").textContent = config.labels.subject;
  for (const subject of config.examples) byId("examples").append(option(subject, subject));
  for (const [select, chosen] of [["model-a", config.left], ["model-b", config.right]]) {
    for (const name of config.rankers) byId(select).append(option(name, config.labels.rankers[name]));
    byId(select).value = chosen;
  }
  byId("user").value = config.examples[0];
  byId("k").value = config.default_k;
  byId("k").max = config.max_k;
  byId("pick").addEventListener("submit", show);
  await show();
}

start();
