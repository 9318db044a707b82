// The demo page: builds the form from the request's JSON schema, posts it to the
// project's prediction route and shows the answer. Plain DOM, no libraries, no build.
"use strict";

const byId = (id) => document.getElementById(id);
let config = null;

function fieldSpec(schema) {
  // A nullable field is `anyOf: [<type>, {"type": "null"}]` in pydantic's schema.
  if (schema.anyOf) {
    const inner = schema.anyOf.find((s) => s.type !== "null") || {};
    return { ...inner, nullable: true, description: schema.description };
  }
  return { ...schema, nullable: false };
}

function buildForm() {
  const fields = byId("fields");
  fields.replaceChildren();
  const properties = config.schema.properties || {};
  for (const [name, raw] of Object.entries(properties)) {
    const spec = fieldSpec(raw);
    const label = document.createElement("label");
    label.className = "field";
    label.textContent = name.replaceAll("_", " ");
    if (spec.description) label.title = spec.description;
    let input;
    if (Array.isArray(spec.enum)) {
      input = document.createElement("select");
      for (const option of spec.enum) {
        const element = document.createElement("option");
        element.value = option;
        element.textContent = option;
        input.append(element);
      }
    } else if (spec.type === "string") {
      // Free text (e.g. a message to classify): a text box, bounded like the schema.
      input = document.createElement("textarea");
      input.rows = 4;
      if (spec.maxLength !== undefined) input.maxLength = spec.maxLength;
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.step = spec.type === "integer" ? "1" : "any";
      if (spec.minimum !== undefined) input.min = spec.minimum;
      if (spec.maximum !== undefined) input.max = spec.maximum;
      if (spec.nullable) input.placeholder = "unknown";
    }
    input.name = name;
    input.id = "field-" + name;
    input.dataset.kind = Array.isArray(spec.enum) ? "category" : spec.type;
    input.dataset.nullable = spec.nullable ? "1" : "";
    label.append(input);
    fields.append(label);
  }
}

function fillForm(values) {
  for (const [name, value] of Object.entries(values)) {
    const input = byId("field-" + name);
    if (input) input.value = value === null ? "" : String(value);
  }
}

function readForm() {
  const body = {};
  for (const input of byId("fields").querySelectorAll("input, select, textarea")) {
    const kind = input.dataset.kind;
    if (kind === "category" || kind === "string") {
      body[input.name] = input.value;
    } else if (input.value === "" && input.dataset.nullable) {
      body[input.name] = null;
    } else {
      body[input.name] = Number(input.value);
    }
  }
  return body;
}

function describeReason(reason) {
  if (typeof reason !== "object" || reason === null) return String(reason);
  const parts = [];
  if (reason.feature !== undefined) parts.push(String(reason.feature));
  if (reason.value !== undefined) parts.push("= " + String(reason.value));
  if (typeof reason.contribution === "number") {
    parts.push("(" + (reason.contribution >= 0 ? "+" : "") + reason.contribution.toFixed(3) + ")");
  }
  return parts.length ? parts.join(" ") : JSON.stringify(reason);
}

// The cost-ratio slider spans 1/4 to 4 times the served ratio, on a log scale.
function sliderRatio() {
  return config.decision.cost_ratio * Math.pow(2, Number(byId("cost-ratio").value));
}

function thresholdAt(ratio) {
  const d = config.decision;
  const odds = (d.threshold / (1 - d.threshold)) * (d.cost_ratio / ratio);
  return odds / (1 + odds);
}

let lastScore = null;

function showWhatIf() {
  const d = config.decision;
  if (!d || d.threshold === null || lastScore === null) return;
  const ratio = sliderRatio();
  const threshold = thresholdAt(ratio);
  const flagged = lastScore >= threshold;
  byId("cost-ratio-value").textContent = ratio.toFixed(2) + " (served: " + d.cost_ratio.toFixed(2) + ")";
  const action = flagged ? d.positive_action : d.negative_action;
  const served = lastScore >= d.threshold;
  const change = flagged === served ? "the same decision" : "a different decision";
  byId("what-if").textContent =
    "At this ratio the threshold would be " + threshold.toFixed(3) + " and this case would get: " +
    action + " (" + change + ").";
  byId("what-if").dataset.action = action;
}

function showAnswer(answer) {
  const d = config.decision;
  byId("answer").hidden = false;
  if (!d) {
    byId("score").textContent = JSON.stringify(answer);
    return;
  }
  lastScore = Number(answer[d.score_field]);
  byId("score-label").textContent = d.score_label;
  byId("score").textContent = lastScore.toFixed(3);
  byId("decision").textContent = answer[d.decision_field];
  byId("threshold-note").textContent = d.threshold === null ? "" :
    "(flagged when the " + d.score_label.toLowerCase() + " is at least " + d.threshold.toFixed(3) + ")";
  const reasons = d.reasons_field ? answer[d.reasons_field] : null;
  byId("reasons-box").hidden = !Array.isArray(reasons);
  if (Array.isArray(reasons)) {
    byId("reasons-label").textContent = d.reasons_label;
    if (d.reasons_note) byId("reasons-note").textContent = d.reasons_note;
    const list = byId("reasons");
    list.replaceChildren();
    if (reasons.length === 0) {
      const item = document.createElement("li");
      item.textContent = "none: nothing pushed this case toward " + d.positive_action;
      list.append(item);
    }
    for (const reason of reasons) {
      const item = document.createElement("li");
      item.textContent = describeReason(reason);
      list.append(item);
    }
  }
  // No single threshold (several labels): no cost-ratio slider to move it.
  byId("cost-box").hidden = d.threshold === null;
  showWhatIf();
}

async function predict() {
  const status = byId("status");
  status.dataset.state = "waiting";
  status.textContent = "Scoring…";
  try {
    const response = await fetch(config.predict_path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(readForm()),
    });
    const answer = await response.json();
    if (!response.ok) {
      const where = (answer.details || []).map((d) => d.loc.slice(1).join(".") + ": " + d.msg);
      status.dataset.state = "error";
      status.textContent = answer.message + (where.length ? " (" + where.join("; ") + ")" : "");
      return;
    }
    showAnswer(answer);
    status.dataset.state = "answered";
    status.dataset.modelVersion = answer.model_version || "";
    status.textContent = "Answered.";
  } catch (error) {
    status.dataset.state = "error";
    status.textContent = "The service did not answer: " + error;
  }
}

async function start() {
  const response = await fetch(document.body.dataset.config);
  config = await response.json();
  document.title = config.title;
  byId("title").textContent = config.title;
  byId("intro").textContent = config.intro;
  buildForm();
  fillForm(config.example);
  byId("case").addEventListener("submit", (event) => {
    event.preventDefault();
    predict();
  });
  byId("reset").addEventListener("click", () => {
    fillForm(config.example);
    predict();
  });
  byId("cost-ratio").addEventListener("input", showWhatIf);
  await predict();
}

start();
