// Event form (templates/events/organise/_event_fields.html): hide the fields that do not apply.
//
// HTML contract
//   <div data-shown-if-checked="<checkbox id>">…</div>   shown while that checkbox is ticked (the online link)
//   <div data-shown-if-value="<radio group name>">…</div> shown while a radio of the group with a non-empty
//                                                           value is chosen (the number of dates of a series)
// Without JavaScript every field is shown, and the server ignores what does not apply. A wrapper that
// holds a field with an error is never hidden. The module holds no text of its own.

function hasError(wrapper) {
  return wrapper.querySelector(".has-error, [aria-invalid='true']") !== null;
}

function bindCheckbox(wrapper) {
  const checkbox = document.getElementById(wrapper.dataset.shownIfChecked);
  if (!checkbox) return;
  const update = () => {
    wrapper.hidden = !checkbox.checked && !hasError(wrapper);
  };
  checkbox.addEventListener("change", update);
  update();
}

function bindRadios(wrapper) {
  const form = wrapper.closest("form");
  if (!form) return;
  const radios = [...form.querySelectorAll("input[type='radio']")].filter(
    (radio) => radio.name === wrapper.dataset.shownIfValue,
  );
  if (!radios.length) return;
  const update = () => {
    const chosen = radios.find((radio) => radio.checked);
    wrapper.hidden = !(chosen && chosen.value) && !hasError(wrapper);
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
}

document.querySelectorAll("[data-shown-if-checked]").forEach(bindCheckbox);
document.querySelectorAll("[data-shown-if-value]").forEach(bindRadios);
