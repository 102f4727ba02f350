// The pipeline board: drag a card to another column to move the deal (Sortable.js + HTMX).
// The server answers 204 and the board reloads; a stage that asks for more (a loss needs its
// reason) sends the browser to the move form instead.
function initBoard() {
  if (typeof Sortable === "undefined" || typeof htmx === "undefined") { return; }
  document.querySelectorAll(".board-cards").forEach(function (list) {
    if (list.dataset.sortable) { return; }
    list.dataset.sortable = "1";
    Sortable.create(list, {
      // forceFallback: pointer events rather than the browser's own drag and drop, so dragging works
      // the same with a mouse, a pen or a finger.
      group: "deals", animation: 120, sort: false, forceFallback: true,
      onAdd: function (event) {
        const card = event.item;
        htmx.ajax("POST", card.dataset.move, {
          values: {stage: event.to.dataset.stage, version: card.dataset.version, from: "board"},
          swap: "none",
        });
      },
    });
  });
}
document.addEventListener("DOMContentLoaded", initBoard);
document.addEventListener("htmx:afterSettle", initBoard);
window.addEventListener("load", initBoard);
