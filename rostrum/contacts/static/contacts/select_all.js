// "Select all" for the contacts table's checkboxes.
const toggle = document.querySelector("[data-select-all]");
if (toggle) {
  toggle.addEventListener("change", () => {
    for (const box of toggle.form.querySelectorAll('input[name="contacts"]')) box.checked = toggle.checked;
  });
}
