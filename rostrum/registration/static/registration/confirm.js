// Asks before a form with data-confirm is sent (removing a question or a registrant). Without
// JavaScript the form is sent directly; removal pages that matter have their own confirm page too.
document.addEventListener("submit", (submitted) => {
  const form = submitted.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) submitted.preventDefault();
});
