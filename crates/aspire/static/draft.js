// Moving people between the groups of a draft by dragging them (mouse, pen or touch, with
// pointer events). While a person is held over another group, the draft says what the move
// would do; letting go makes the move, and the draft updates in place. From the keyboard, or
// without JavaScript, the group number box and the Move button beside each person do the same.
(function () {
  "use strict";
  var held = null;

  function draftOf(element) {
    return element && element.closest("[data-draft]");
  }

  function groupAt(x, y) {
    var under = document.elementFromPoint(x, y);
    return under ? under.closest("[data-group]") : null;
  }

  function takes(group, from) {
    return Boolean(group) && group.dataset.group !== from && !group.hasAttribute("data-locked");
  }

  function status(text) {
    var line = document.getElementById("drag-status");
    if (line) line.textContent = text;
  }

  function clear() {
    if (!held) return;
    held.person.style.transform = "";
    held.person.classList.remove("dragging");
    if (held.over) held.over.classList.remove("drop-target");
    document.body.classList.remove("dragging-person");
  }

  document.addEventListener("pointerdown", function (event) {
    var person = event.target.closest("li[data-email]");
    var draft = draftOf(person);
    if (!person || !draft || event.button !== 0) return;
    if (event.target.closest("input, button, select, a, label, textarea")) return;
    // On touch screens a person is picked up by their handle, so that the page still scrolls.
    if (event.pointerType !== "mouse" && !event.target.closest(".handle")) return;
    held = {
      person: person,
      draft: draft,
      email: person.dataset.email,
      from: person.closest("[data-group]").dataset.group,
      x: event.clientX,
      y: event.clientY,
      dragging: false,
      over: null,
    };
  });

  document.addEventListener("pointermove", function (event) {
    if (!held) return;
    if (!held.dragging) {
      if (Math.abs(event.clientX - held.x) + Math.abs(event.clientY - held.y) < 6) return;
      held.dragging = true;
      held.person.classList.add("dragging");
      document.body.classList.add("dragging-person");
    }
    event.preventDefault();
    held.person.style.transform =
      "translate(" + (event.clientX - held.x) + "px, " + (event.clientY - held.y) + "px)";
    var group = groupAt(event.clientX, event.clientY);
    if (group === held.over) return;
    if (held.over) held.over.classList.remove("drop-target");
    held.over = group;
    if (takes(group, held.from)) {
      group.classList.add("drop-target");
      htmx.ajax("POST", "/drafts/" + held.draft.dataset.draft + "/preview", {
        target: "#drag-status",
        swap: "innerHTML",
        values: { csrf: held.draft.dataset.csrf, email: held.email, to: group.dataset.group },
      });
    } else {
      status("");
    }
  });

  function letGo(event, cancelled) {
    if (!held) return;
    var was = held;
    clear();
    held = null;
    if (!was.dragging || cancelled) {
      if (was.dragging) status("");
      return;
    }
    event.preventDefault();
    var group = was.over;
    if (!takes(group, was.from)) {
      status("");
      return;
    }
    status("Moving…");
    htmx.ajax("POST", "/drafts/" + was.draft.dataset.draft + "/move", {
      target: "main",
      select: "main",
      swap: "outerHTML",
      values: { csrf: was.draft.dataset.csrf, email: was.email, to: group.dataset.group },
    });
  }

  document.addEventListener("pointerup", function (event) {
    letGo(event, false);
  });
  document.addEventListener("pointercancel", function (event) {
    letGo(event, true);
  });
  document.addEventListener("keydown", function (event) {
    if (held && event.key === "Escape") {
      clear();
      held = null;
      status("");
    }
  });

  // A refused move (a locked group, say) comes back as the draft with the reason: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    if (event.detail.xhr.status === 422 && config && /\/move$/.test(config.path || "")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a move the draft is new: the person who moved takes the focus, where they are now.
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (!config || !/\/move$/.test(config.path || "")) return;
    var moved = document.querySelector("[data-just-moved]");
    if (moved) moved.focus();
  });
})();
