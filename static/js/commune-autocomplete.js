// Commune autocomplete: progressive enhancement of a plain text input.
//
// HTML contract
//   <label for="id_commune">Commune</label>
//   <input type="text" id="id_commune" name="commune"
//          data-commune-autocomplete
//          data-endpoint="/territoires/communes.json">        (the endpoint, from {% url 'territories:communes' %})
//   <input type="hidden" name="commune_code" data-commune-code> (optional; a sibling: same parent element —
//                                                               or name it with data-code-input="<id>" on the text input)
//
// Without JavaScript the person types a name and the server resolves it (territories.lookup.resolve_commune).
// With this module, once two letters are typed, GET <data-endpoint>?q=<text> (debounced, the previous
// request aborted) answers {"results": [{code, name, label, lat, lng}, …]}; the labels
// ("Plougastel-Daoulas (29470)", which resolve_commune understands too) fill a <datalist> created right
// after the input and linked through its `list` attribute. The browser draws the suggestions: keyboard,
// focus and screen readers work as for any datalist; the label and the field stay as they were.
// When the value becomes one of the offered labels (chosen in the list, or typed in full):
//   - the code input, if any, receives the commune's INSEE code;
//   - the text input dispatches a bubbling `commune-selected` CustomEvent, detail {code, name, lat, lng}.
// When the text is changed again, the code input is emptied (the server then resolves the text);
// a code filled in by the server with the page counts as chosen for the text the page came with.
// Browsers only show the options that contain the typed text: an option whose label does not (typed
// without accents or hyphens) carries its folded form as a secondary label ("plougastel daoulas 29470").
// Inputs added later (a new place in a formset) are enhanced by calling enhanceCommuneInputs(container).
// The module holds no text of its own: nothing to translate here.

const DEBOUNCE_MS = 200;
const MIN_LENGTH = 2;
let datalistCount = 0;

// Lower case, accents removed, every run of other characters one space (as the server compares).
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

function codeInputFor(input) {
  if (input.dataset.codeInput) return document.getElementById(input.dataset.codeInput);
  return input.parentElement ? input.parentElement.querySelector("[data-commune-code]") : null;
}

function enhance(input) {
  if (input.dataset.communeAutocompleteReady) return;
  input.dataset.communeAutocompleteReady = "true";
  const endpoint = input.dataset.endpoint;
  if (!endpoint) return;

  datalistCount += 1;
  const datalist = document.createElement("datalist");
  datalist.id = `${input.id || "commune"}-suggestions-${datalistCount}`;
  input.insertAdjacentElement("afterend", datalist);
  input.setAttribute("list", datalist.id);
  // The browser's memory of past entries would mix with the communes.
  input.setAttribute("autocomplete", "off");

  const codeInput = codeInputFor(input);
  const byLabel = new Map(); // label → result, for every result received
  const answers = new Map(); // query → results, so going back and forth costs no request
  // The label last selected; a code already given by the server counts as selected, so that
  // changing the text empties it.
  let selected = codeInput && codeInput.value ? input.value : null;
  let timer = null;
  let controller = null;

  function fill(results, query) {
    const typed = query.toLowerCase();
    datalist.replaceChildren(
      ...results.map((result) => {
        byLabel.set(result.label, result);
        const option = document.createElement("option");
        option.value = result.label;
        // Browsers show only the options containing the typed text: "landeda" or
        // "plougastel daoulas" would hide "Landéda (29870)" or "Plougastel-Daoulas (29470)".
        // The folded form, as a secondary label, keeps them shown.
        if (!result.label.toLowerCase().includes(typed)) option.label = fold(result.label);
        return option;
      }),
    );
  }

  function select(result) {
    if (selected === result.label) return;
    selected = result.label;
    if (codeInput) codeInput.value = result.code;
    input.dispatchEvent(
      new CustomEvent("commune-selected", {
        bubbles: true,
        detail: { code: result.code, name: result.name, lat: result.lat, lng: result.lng },
      }),
    );
  }

  async function search(query) {
    if (answers.has(query)) {
      fill(answers.get(query), query);
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = new URL(endpoint, window.location.href);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal });
      if (!response.ok) return;
      const data = await response.json();
      const results = Array.isArray(data.results) ? data.results : [];
      answers.set(query, results);
      if (input.value.trim() === query) {
        fill(results, query);
        const exact = byLabel.get(input.value);
        if (exact) select(exact);
      }
    } catch (error) {
      // Aborted by a newer keystroke, or offline: the field still works as plain text.
      if (error.name !== "AbortError") console.warn("commune-autocomplete:", error);
    }
  }

  function onInput() {
    const value = input.value;
    const known = byLabel.get(value);
    if (known) {
      select(known); // a suggestion was chosen
      return;
    }
    if (selected !== null) {
      selected = null;
      if (codeInput) codeInput.value = "";
    }
    clearTimeout(timer);
    const query = value.trim();
    if (query.length < MIN_LENGTH) {
      datalist.replaceChildren();
      return;
    }
    timer = setTimeout(() => search(query), DEBOUNCE_MS);
  }

  input.addEventListener("input", onInput);
  input.addEventListener("change", onInput);
}

export function enhanceCommuneInputs(root = document) {
  root.querySelectorAll("input[data-commune-autocomplete]").forEach(enhance);
}

enhanceCommuneInputs();
