// The guided editor, improved: a character counter, a live Markdown preview, a local draft.
//
// Every step works without this module (the server counts, previews and keeps what was typed on
// errors). Configuration and every text shown come from the page: {{ editor_config|json_script:"editor-config" }}
//   previewUrl   POST endpoint answering {"html": "…"} (sanitised server-side) for a form field "text"
//   autosaveKey  this form's key in localStorage ("" for none)
//   clearKeys    keys of forms the server just saved: their local drafts are forgotten
//   restore      false when the page re-displays a submission (the server's copy is the newest)
//   strings      translated texts, with %(name)s placeholders
// The step's form carries data-editor-form; textareas with data-markdown-preview get a live preview;
// a field with data-char-counter and a maxlength gets a counter.
import { readJSON } from "./map-common.js";

const STORAGE_PREFIX = "brest-creative:editor:";
const AUTOSAVE_DELAY_MS = 600;
const PREVIEW_DELAY_MS = 500;
const ANNOUNCE_DELAY_MS = 800;

const config = readJSON("editor-config") || {};
const strings = config.strings || {};
const form = document.querySelector("form[data-editor-form]");

function format(template, values) {
  return (template || "").replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}

function debounce(callback, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => callback(...args), delay);
  };
}

// localStorage may be missing or full (private browsing, quotas): the editor works without it.
const storage = {
  get(key) {
    try {
      const raw = window.localStorage.getItem(STORAGE_PREFIX + key);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(value));
    } catch {
      /* nothing to do: the draft is simply not kept */
    }
  },
  remove(key) {
    try {
      window.localStorage.removeItem(STORAGE_PREFIX + key);
    } catch {
      /* idem */
    }
  },
};

// Character counter -------------------------------------------------------------------------------

function setUpCounter(field) {
  const max = Number(field.getAttribute("maxlength") || field.dataset.maxLength);
  if (!max) return;
  // The browser would cut a pasted text silently: the counter says how much is too much instead,
  // and the server refuses it with a message, keeping the text.
  field.removeAttribute("maxlength");
  const counter = document.createElement("p");
  counter.className = "char-counter";
  counter.id = `${field.id}_counter`;
  // Read with the field (aria-describedby); a separate live region announces the count when typing
  // pauses: announcing every key would drown the person's own typing.
  const live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  field.insertAdjacentElement("afterend", counter);
  counter.insertAdjacentElement("afterend", live);
  field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());

  function text() {
    const count = field.value.length;
    const over = count - max;
    return over > 0 ? format(strings.counterOver, { count, max, over }) : format(strings.counter, { count, max });
  }
  const announce = debounce(() => {
    live.textContent = text();
  }, ANNOUNCE_DELAY_MS);
  function update() {
    counter.textContent = text();
    counter.classList.toggle("is-over", field.value.length > max);
  }
  update();
  field.addEventListener("input", () => {
    update();
    announce();
  });
}

// Markdown live preview ---------------------------------------------------------------------------

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function setUpPreview(textarea) {
  if (!config.previewUrl) return;
  let region = document.querySelector(`[data-preview-for="${textarea.id}"]`);
  let body = region ? region.querySelector(".preview-body") : null;
  if (!region) {
    region = document.createElement("div");
    region.className = "markdown-preview";
    region.dataset.previewFor = textarea.id;
    region.hidden = true;
    const title = document.createElement("p");
    title.className = "preview-title";
    title.textContent = strings.previewTitle || "";
    body = document.createElement("div");
    body.className = "preview-body";
    region.append(title, body);
    const container = textarea.closest(".field") || textarea;
    container.insertAdjacentElement("afterend", region);
  }
  let controller = null;

  async function refresh() {
    if (controller) controller.abort();
    controller = new AbortController();
    const data = new FormData();
    data.append("text", textarea.value);
    try {
      const response = await fetch(config.previewUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`preview: HTTP ${response.status}`);
      const payload = await response.json();
      body.innerHTML = payload.html; // sanitised by the server (creative.core.markdown)
    } catch (error) {
      if (error.name === "AbortError") return;
      body.textContent = strings.previewError || "";
    }
    region.hidden = textarea.value.trim() === "";
  }
  textarea.addEventListener("input", debounce(refresh, PREVIEW_DELAY_MS));
}

// Local draft -------------------------------------------------------------------------------------
// What is typed is kept on this device until the server says the form was saved (clearKeys).
// The draft remembers the version it was typed on: restored, it is sent with that version, so
// the server merges it with what changed since (or shows a conflict) instead of overwriting.

const BASE_FIELD = "meta-base_number";
const SKIPPED = /(^csrfmiddlewaretoken$|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$)/;

function draftFields(root) {
  return [...root.querySelectorAll("textarea[name], input[name]")].filter((field) => {
    if (SKIPPED.test(field.name) || field.name === BASE_FIELD) return false;
    const type = (field.getAttribute("type") || "text").toLowerCase();
    return field.tagName === "TEXTAREA" || ["text", "url", "number", "email", "search", "hidden"].includes(type);
  });
}

function valuesOf(fields) {
  const values = {};
  for (const field of fields) values[field.name] = field.value;
  return values;
}

function setValue(field, value) {
  if (field.value === value) return;
  field.value = value;
  field.dispatchEvent(new Event("input", { bubbles: true }));
}

function setUpAutosave(root) {
  for (const key of config.clearKeys || []) storage.remove(key);
  const key = config.autosaveKey;
  if (!key) return;
  const fields = draftFields(root);
  const baseInput = root.querySelector(`input[name="${BASE_FIELD}"]`);
  const saved = valuesOf(fields);
  const savedBase = baseInput ? baseInput.value : null;

  const store = debounce(() => {
    const values = valuesOf(fields);
    const changed = Object.keys(values).some((name) => values[name] !== saved[name]);
    if (changed) {
      storage.set(key, { savedAt: new Date().toISOString(), base: baseInput ? baseInput.value : null, values });
    } else {
      storage.remove(key);
    }
  }, AUTOSAVE_DELAY_MS);
  root.addEventListener("input", store);
  root.addEventListener("change", store);

  const draft = storage.get(key);
  if (!draft || !draft.values || config.restore === false) return;
  const differs = fields.some((field) => field.name in draft.values && draft.values[field.name] !== field.value);
  if (!differs) {
    storage.remove(key);
    return;
  }
  for (const field of fields) {
    if (field.name in draft.values) setValue(field, draft.values[field.name]);
  }
  if (baseInput && draft.base) baseInput.value = draft.base;

  const notice = document.createElement("div");
  notice.className = "notice local-draft";
  notice.setAttribute("role", "status");
  const message = document.createElement("p");
  const date = new Date(draft.savedAt);
  const when = Number.isNaN(date.getTime()) ? "" : date.toLocaleString(document.documentElement.lang || "fr");
  message.textContent = format(strings.restored, { date: when });
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "secondary";
  discard.textContent = strings.discard || "";
  discard.addEventListener("click", () => {
    for (const field of fields) setValue(field, saved[field.name]);
    if (baseInput && savedBase !== null) baseInput.value = savedBase;
    storage.remove(key);
    message.textContent = strings.discarded || "";
    discard.remove();
    root.querySelector("textarea, input:not([type=hidden])")?.focus();
  });
  notice.append(message, discard);
  root.insertAdjacentElement("beforebegin", notice);
}

// Start -------------------------------------------------------------------------------------------

if (form) {
  form.querySelectorAll("[data-char-counter]").forEach(setUpCounter);
  form.querySelectorAll("textarea[data-markdown-preview]").forEach(setUpPreview);
  setUpAutosave(form);
} else {
  for (const key of config.clearKeys || []) storage.remove(key);
}
