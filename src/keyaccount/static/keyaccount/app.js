// Keyboard: "/" focuses the search box of the page, as in most tools people use every day.
document.addEventListener("keydown", function (event) {
  if (event.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
    const box = document.querySelector("input[type=search]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }
});
