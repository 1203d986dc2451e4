// « Copier » buttons of the republication kit: copy a read-only textarea's text.
// The buttons are hidden without JavaScript (the text can still be selected by hand).
const status = document.querySelector(".reuse-kit .copy-status");

async function copy(target) {
  try {
    await navigator.clipboard.writeText(target.value);
  } catch {
    target.select();
    document.execCommand("copy");
  }
}

for (const button of document.querySelectorAll(".reuse-kit .copy-button, .embed-code .copy-button")) {
  const target = document.getElementById(button.dataset.copyTarget);
  if (!target) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await copy(target);
    const message = button.closest(".embed-code")?.querySelector(".copy-status") || status;
    if (message) message.textContent = "Copié dans le presse-papiers.";
  });
}
