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

  // The browser's own validation bubbles, in Russian: each «invalid» field gets the catalogue's
  // text for what is wrong (body[data-validation]); typing clears it so the browser checks
  // again. The server checks every field anyway and answers in Russian.
  var texts = {};
  try { texts = JSON.parse(document.body.getAttribute("data-validation") || "{}"); } catch (e) { texts = {}; }

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function russianMessage(field) {
    var state = field.validity;
    var type = (field.getAttribute("type") || "").toLowerCase();
    var values = {
      min: field.getAttribute("min") || field.getAttribute("minlength") || "",
      max: field.getAttribute("max") || field.getAttribute("maxlength") || "",
      count: (field.value || "").length,
      hint: field.getAttribute("title") || ""
    };
    var key = "";
    if (state.valueMissing) {
      if (field.tagName === "SELECT") { key = "required_select"; }
      else if (type === "checkbox" || type === "radio") { key = "required_checkbox"; }
      else if (type === "file") { key = "required_file"; }
      else { key = "required"; }
    } else if (state.badInput) { key = type === "date" ? "date" : "number"; }
    else if (state.typeMismatch) { key = type === "url" ? "url" : "email"; }
    else if (state.rangeUnderflow) { key = "min"; }
    else if (state.rangeOverflow) { key = "max"; }
    else if (state.stepMismatch) { key = "step"; }
    else if (state.tooShort) { key = "too_short"; values.min = field.getAttribute("minlength"); }
    else if (state.tooLong) { key = "too_long"; values.max = field.getAttribute("maxlength"); }
    else if (state.patternMismatch) { key = values.hint ? "pattern_hint" : "pattern"; }
    return key && texts[key] ? fill(texts[key], values) : "";
  }

  // each field carries its Russian message while it is invalid: set on load, after an htmx
  // swap and whenever it changes (a custom message is cleared first, so the browser's own
  // check decides whether the field is valid)
  function refresh(field) {
    if (!field || !field.validity || !field.setCustomValidity || !field.willValidate) { return; }
    field.setCustomValidity("");
    if (!field.validity.valid) { field.setCustomValidity(russianMessage(field)); }
  }
  function refreshAll(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("input, select, textarea"), refresh
    );
  }
  document.addEventListener("invalid", function (event) { refresh(event.target); }, true);
  document.addEventListener("input", function (event) { refresh(event.target); }, true);
  document.addEventListener("change", function (event) { refresh(event.target); }, true);
  document.addEventListener("htmx:afterSwap", function (event) { refreshAll(event.target); });
  // a value a script set without an event is checked again before the form is sent
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button, input[type=submit]") : null;
    if (button && button.form && button.type === "submit") { refreshAll(button.form); }
  }, true);
  refreshAll(document);
})();
