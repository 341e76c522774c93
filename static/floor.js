// The live conference list: a participant's actions are rendered once for the page (the templates
// of conferences/_participant_menus.html) and copied into a participant's menu when it is about to
// be used: opened, or its row focused (j/k, then m or h press its buttons).
(function () {
  "use strict";

  const PLACEHOLDER = /__(conference|participant|row|who)__/g;

  function fill(row) {
    const menu = row && row.querySelector("details.participant-menu");
    if (!menu || menu.dataset.filled) return;
    const head = document.getElementById(row.dataset.parent || "");
    const template = document.getElementById(`participant-menu-${row.dataset.menu}`);
    if (!head || !template) return;
    const values = {
      conference: (head.dataset.key || "").replace(/^conference:/, ""),
      participant: row.dataset.leg,
      row: row.id.replace(/^floor-participant-/, ""),
      who: row.dataset.name || "",
    };
    const content = template.content.cloneNode(true);
    // Only what fits the row's state: Mute or Unmute, Hold or Unhold, Listen unless it is a supervisor.
    for (const node of content.querySelectorAll("[data-if]")) {
      const [name, wanted] = node.dataset.if.split("=");
      if (row.dataset[name] !== wanted) node.remove();
    }
    // Ids in URLs are encoded; everywhere else the values are attribute text or text, never markup.
    for (const node of content.querySelectorAll("*")) {
      for (const attribute of Array.from(node.attributes)) {
        if (!attribute.value.includes("__")) continue;
        const encode = attribute.name === "action";
        attribute.value = attribute.value.replace(PLACEHOLDER, (_, key) =>
          encode ? encodeURIComponent(values[key]) : values[key]
        );
      }
    }
    for (const node of content.querySelectorAll("[data-who]")) {
      node.textContent = ` ${node.dataset.who ? node.dataset.who + " " : ""}${values.who}`;
    }
    menu.append(content);
    menu.dataset.filled = "1";
  }

  function rowOf(target) {
    return target instanceof Element ? target.closest("#live-rows > tr.floor-participant") : null;
  }

  // Focus comes before a click opens the menu, and with j/k before m or h: the buttons are there.
  document.addEventListener("focusin", (event) => fill(rowOf(event.target)));
  document.addEventListener("click", (event) => fill(rowOf(event.target)), true);
})();
