// The top bar's menus and the global search box (base.html). A static file: the Content-Security-Policy
// runs no inline script.
(function () {
  "use strict";

  // --- Menus: <details class="nav-menu">. One open at a time; Escape or a click outside closes it.
  function menus() { return document.querySelectorAll("details.nav-menu"); }

  function closeMenus(except) {
    menus().forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  }

  document.addEventListener("toggle", function (event) {
    const menu = event.target;
    if (menu.matches && menu.matches("details.nav-menu") && menu.open) { closeMenus(menu); }
  }, true);

  document.addEventListener("click", function (event) {
    if (!event.target.closest("details.nav-menu")) { closeMenus(null); }
  });

  // On a phone the sections fold behind a "Menu" button.
  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) { return; }
    const sections = document.getElementById(toggle.getAttribute("aria-controls"));
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    if (sections) { sections.classList.toggle("open", open); }
  });

  // The section of the page one is on: its link is the current page, its menu's name stands out.
  document.addEventListener("DOMContentLoaded", function () {
    const here = window.location.pathname;
    let best = null;
    document.querySelectorAll("#nav-sections a[href]").forEach(function (link) {
      // The longest link the address starts with: /feedback/tickets/7/ is Support's, not Feedback's.
      const path = link.pathname;
      if (path !== "/" && here.startsWith(path) && (!best || path.length > best.pathname.length)) { best = link; }
    });
    if (best) {
      best.setAttribute("aria-current", "page");
      const menu = best.closest("details.nav-menu");
      if (menu) { menu.querySelector("summary").classList.add("current"); }
    }
  });

  // --- The global search: a <dialog> with a box whose results HTMX fetches as one types.
  function dialog() { return document.getElementById("global-search"); }
  function input() { const box = dialog(); return box && box.querySelector("[data-search-input]"); }
  function hits() { const box = dialog(); return box ? Array.from(box.querySelectorAll("[data-search-hit]")) : []; }

  function openSearch() {
    const box = dialog();
    if (!box) { return false; }
    closeMenus(null);
    if (!box.open) { box.showModal(); }
    const field = input();
    field.focus();
    field.select();
    // The results of what is typed, or the recent items while the box is empty.
    field.dispatchEvent(new CustomEvent("search-open"));
    return true;
  }

  function choose(index) {
    const list = hits();
    list.forEach(function (hit, i) {
      hit.setAttribute("aria-selected", String(i === index));
      hit.classList.toggle("active", i === index);
    });
    const field = input();
    if (list[index]) {
      field.setAttribute("aria-activedescendant", list[index].id);
      list[index].scrollIntoView({ block: "nearest" });
    } else {
      field.removeAttribute("aria-activedescendant");
    }
  }

  function chosen() { return hits().findIndex(function (hit) { return hit.classList.contains("active"); }); }

  function typing(target) {
    return target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    const box = dialog();
    const inSearch = box && box.open;
    // Ctrl+K / Cmd+K anywhere; "/" when not typing in a field.
    if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey) {
      if (openSearch()) { event.preventDefault(); }
      return;
    }
    if (event.key === "/" && !inSearch && !typing(document.activeElement) && !event.ctrlKey && !event.metaKey) {
      if (openSearch()) { event.preventDefault(); }
      return;
    }
    if (event.key === "Escape") {
      const menu = document.activeElement && document.activeElement.closest("details.nav-menu[open]");
      const anyOpen = menu || document.querySelector("details.nav-menu[open]");
      if (anyOpen) {
        anyOpen.open = false;
        const summary = anyOpen.querySelector("summary");
        if (summary) { summary.focus(); }
        event.preventDefault();
      }
      return;
    }
    if (!inSearch || event.target !== input()) { return; }
    const list = hits();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!list.length) { return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const current = chosen();
      choose(current < 0 ? (step > 0 ? 0 : list.length - 1) : (current + step + list.length) % list.length);
    } else if (event.key === "Enter") {
      // The chosen hit opens, or the only record found; otherwise the form goes to the full results page.
      const records = list.filter(function (hit) { return !hit.classList.contains("search-all"); });
      const target = chosen() >= 0 ? list[chosen()] : (input().value.trim() && records.length === 1 ? records[0] : null);
      if (target) { event.preventDefault(); window.location.assign(target.href); }
    }
  });

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-search-open]");
    if (opener && openSearch()) { event.preventDefault(); return; }
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    const box = dialog();
    if (box && box.open && event.target === box) { box.close(); }
  });

  // New results: nothing chosen until the arrows choose.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "global-search-results") { choose(-1); }
  });
})();
