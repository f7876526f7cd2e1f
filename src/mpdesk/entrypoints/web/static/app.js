/* mpdesk: small progressive enhancements (no inline scripts: the CSP forbids them).
   - «Скопировать»: copies the appeal text to the clipboard;
   - drag and drop of evidence files onto the file input, with image previews;
   - tells the live preview which files are attached (their names). */
(function () {
  "use strict";

  function showCopied(button) {
    var card = button.closest(".card") || document;
    var note = card.querySelector("[data-copied]");
    if (note) { note.hidden = false; }
    button.textContent = "Скопировано";
    button.setAttribute("data-copied-done", "1");
  }

  function fallbackCopy(source) {
    source.removeAttribute("aria-hidden");
    source.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    source.setAttribute("aria-hidden", "true");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { showCopied(button); },
        function () { fallbackCopy(source); showCopied(button); });
    } else {
      fallbackCopy(source);
      showCopied(button);
    }
  });

  // «Это скорее … или …?»: the person's answer becomes the category, and the preview follows
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-choose-category]");
    var select = document.getElementById("category");
    if (!button || !select) { return; }
    select.value = button.getAttribute("data-choose-category");
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function listFiles(input) {
    var list = document.getElementById("file-list");
    var names = document.getElementById("attachment_names");
    if (!list) { return; }
    list.textContent = "";
    var collected = [];
    Array.prototype.forEach.call(input.files, function (file) {
      collected.push(file.name);
      var item = document.createElement("li");
      if (/^image\/(png|jpeg|gif|webp)$/.test(file.type)) {
        var img = document.createElement("img");
        img.className = "thumb";
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        item.appendChild(img);
      }
      var label = document.createElement("span");
      label.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " КБ)";
      item.appendChild(label);
      list.appendChild(item);
    });
    if (names) { names.value = collected.join("\n"); }
    suggestSupply(collected);
    document.body.dispatchEvent(new CustomEvent("mpdesk:files"));
  }

  // a supply number in a file name («goods_24567891.json») is offered in the empty «Номер
  // поставки» field; the person sees it before sending and can change or clear it
  function suggestSupply(names) {
    var field = document.getElementById("supply_id");
    if (!field || field.value) { return; }
    for (var i = 0; i < names.length; i++) {
      var found = /(?:^|\D)(\d{6,12})(?!\d)/.exec(names[i]);
      if (found) {
        field.value = found[1];
        field.dataset.suggested = "1";
        return;
      }
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-dropzone] input[type=file]")) {
      listFiles(event.target);
    }
  });

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("[data-dropzone]") : null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.add("over");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone) { zone.classList.remove("over"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("over");
    var input = zone.querySelector("input[type=file]");
    if (!input || !event.dataTransfer) { return; }
    var merged = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
    Array.prototype.forEach.call(event.dataTransfer.files, function (f) { merged.items.add(f); });
    input.files = merged.files;
    listFiles(input);
  });
})();
