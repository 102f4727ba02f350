// My day, keyboard first: j/k move between items, Enter opens one, x marks it done, s puts it off
// until tomorrow, ? shows the help. A static file: the Content-Security-Policy runs no inline script.
(function () {
  function items() { return Array.prototype.slice.call(document.querySelectorAll("#my-day .day-item")); }
  function typing(target) { return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable; }
  function help() { return document.getElementById("day-help"); }
  function toggleHelp() {
    const dialog = help();
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }
  function current() { return document.activeElement && document.activeElement.closest("#my-day .day-item"); }
  function move(step) {
    const list = items();
    if (!list.length) { return; }
    const index = list.indexOf(current());
    const next = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    list[next].focus();
    list[next].scrollIntoView({block: "nearest"});
  }
  // Where focus goes once an item has left its list: the item that took its place.
  let leaving = -1;

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("my-day") || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "?" && !typing(event.target)) { event.preventDefault(); toggleHelp(); return; }
    if (typing(event.target) || (help() && help().open)) { return; }
    const item = current();
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter" && item && event.target === item) { event.preventDefault(); window.location.href = item.dataset.open; }
    else if ((event.key === "x" || event.key === "s") && item) {
      const button = item.querySelector(event.key === "x" ? "[data-action=done]" : "[data-action=snooze]");
      if (button) { event.preventDefault(); leaving = items().indexOf(item); button.click(); }
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-day-help]")) { toggleHelp(); }
    if (event.target.closest("[data-day-help-close]")) { help().close(); }
    const button = event.target.closest("#my-day [data-action]");
    if (button) { leaving = items().indexOf(button.closest(".day-item")); }
  });

  // A refused action comes back with status 400 and its section, which carries the reason: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target.closest && event.detail.target.closest("#my-day")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Only the settling of My day's own sections: the bell's request (on load, every minute) may settle
  // between the key and the section's answer, and would move the focus onto the item still leaving.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (leaving < 0 || !(event.target.closest && event.target.closest("#my-day"))) { return; }
    const list = items();
    if (list.length) { list[Math.min(leaving, list.length - 1)].focus(); }
    leaving = -1;
  });
})();
