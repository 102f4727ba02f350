// Keyboard: "/" and Ctrl+K open the global search (navigation.js).

// Behaviour that templates ask for with data- attributes, because the Content-Security-Policy runs
// no inline handlers. Listeners sit on the document, so content HTMX swaps in behaves the same.

// <select data-submit-on-change>: choosing a value submits its form.
document.addEventListener("change", function (event) {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) { field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit(); }
});

// <input data-select-on-focus>: a link or token to copy is selected whole on focus.
document.addEventListener("focusin", function (event) {
  if (event.target.matches("[data-select-on-focus]")) { event.target.select(); }
});

// <a data-back href="...">: back to the previous page when there is one, else follow the link.
document.addEventListener("click", function (event) {
  const link = event.target.closest("a[data-back]");
  if (link && window.history.length > 1 && document.referrer.startsWith(window.location.origin)) {
    event.preventDefault();
    window.history.back();
  }
});
