// Form defaults and help that the Content-Security-Policy will not take inline (loaded by core/form.html).
// Listeners sit on the document, so a form HTMX swaps in behaves the same.

// datetime-local values ("2026-12-03T10:00") as minutes since the epoch, counted as if in UTC: only
// differences matter, and no time zone or daylight-saving change can shift them.
function formsMinutes(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
  if (!match) { return null; }
  return Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]) / 60000;
}

function formsMoment(minutes) {
  return new Date(minutes * 60000).toISOString().slice(0, 16);
}

// <input data-ends-after="starts_at" data-default-minutes="60">: the end moves with the start, keeping
// the length the meeting had (an hour when it had none), and may not be set before the start.
document.addEventListener("focusin", function (event) {
  const start = event.target;
  if (start.form && start.name && start.form.querySelector("[data-ends-after='" + start.name + "']")) {
    start.dataset.previous = start.value;
  }
});

document.addEventListener("change", function (event) {
  const start = event.target;
  if (!start.form || !start.name) { return; }
  start.form.querySelectorAll("[data-ends-after='" + start.name + "']").forEach(function (end) {
    const begins = formsMinutes(start.value);
    if (begins === null) { return; }
    const before = formsMinutes(start.dataset.previous);
    const ends = formsMinutes(end.value);
    let length = parseInt(end.dataset.defaultMinutes || "60", 10);
    if (before !== null && ends !== null && ends > before) { length = ends - before; }
    end.value = formsMoment(begins + length);
    end.min = start.value;
    start.dataset.previous = start.value;
  });
});

// The summary of a form's errors takes the focus, so a screen reader reads it first.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-ends-after]").forEach(function (end) {
    const start = end.form && end.form.elements[end.dataset.endsAfter];
    if (start && start.value) { end.min = start.value; }
  });
  const summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
