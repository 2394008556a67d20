/* Klarsteg content script: scores the note being written in any <textarea> or contenteditable
   editor on the page and shows the result in a small panel beside the field.

   - It only reads the field; it never changes the page's text.
   - It never fetches anything itself: the service worker posts the note to the Klarsteg server.
   - It keeps note text in memory only while the panel shows it: never in storage, never in logs.
   - The panel's host element carries data-klarsteg-score and data-klarsteg-verdict (empty while
     scoring or on error), and data-klarsteg-state for tools and tests. */
"use strict";

(() => {
  if (globalThis.__klarstegContent) {
    // Injected a second time (the popup turned the site on): just re-check the settings.
    globalThis.__klarstegContent.refresh();
    return;
  }

  const MIN_CHARS = 20;
  const DEBOUNCE_MS = 700;
  const PANEL_WIDTH = 340;
  const MIN_WIDTH = 240;
  const GAP = 10;
  const HOST_TAG = "klarsteg-panel";

  const TEXT = {
    en: {
      score: "Score",
      close: "Close",
      verdicts: { concrete: "Concrete", partial: "Partly concrete", vague: "Vague", none: "No next step" },
      missing: "Missing",
      vagueLabel: "Vague",
      fields: { next_step: "next step", reason: "reason", when: "when" },
      legend: { next_step: "Next step", reason: "Reason", when: "When" },
      questions: "Settle with the customer",
      allClear: "What, why and when are all clear.",
      show: "Highlight in note",
      hide: "Hide note",
      notFound: "not found",
      typing: "Waiting for a pause in your typing\u2026",
      scoring: "Scoring\u2026",
      down: (s, n) => `Klarsteg server not reachable (${s}). Retrying in ${n} s.`,
      timeout: (s, n) => `Klarsteg server did not answer in time (${s}). Retrying in ${n} s.`,
      unauthorized: "The server refused the API key (401). Check it in Klarsteg's options.",
      tooLong: "The note is too long for the server (413).",
      rejected: (d) => `The server could not score this note (422)${d ? ": " + d : "."}`,
      busy: (n) => `The server is busy (503). Retrying in ${n} s.`,
      serverError: (c, n) => `Server error (${c}). Retrying in ${n} s.`,
      notKlarsteg: (s) => `No Klarsteg API at ${s}. Check the server URL in the options.`,
      permission: (s) => `Klarsteg may not contact ${s}. Open the options and save the server again.`,
      badServer: "The server URL in Klarsteg's options is not valid.",
      reload: "Klarsteg was updated: reload the page to use it here.",
    },
    sv: {
      score: "Poäng",
      close: "Stäng",
      verdicts: { concrete: "Konkret", partial: "Delvis konkret", vague: "Vag", none: "Inget nästa steg" },
      missing: "Saknas",
      vagueLabel: "Vagt",
      fields: { next_step: "nästa steg", reason: "varför", when: "när" },
      legend: { next_step: "Nästa steg", reason: "Varför", when: "När" },
      questions: "Reda ut med kunden",
      allClear: "Vad, varför och när är tydliga.",
      show: "Markera i anteckningen",
      hide: "Dölj anteckningen",
      notFound: "saknas",
      typing: "Väntar på en paus i skrivandet\u2026",
      scoring: "Bedömer\u2026",
      down: (s, n) => `Når inte Klarsteg-servern (${s}). Försöker igen om ${n} s.`,
      timeout: (s, n) => `Klarsteg-servern svarade inte i tid (${s}). Försöker igen om ${n} s.`,
      unauthorized: "Servern godtog inte API-nyckeln (401). Kontrollera den i Klarstegs inställningar.",
      tooLong: "Anteckningen är för lång för servern (413).",
      rejected: (d) => `Servern kunde inte bedöma anteckningen (422)${d ? ": " + d : "."}`,
      busy: (n) => `Servern är upptagen (503). Försöker igen om ${n} s.`,
      serverError: (c, n) => `Serverfel (${c}). Försöker igen om ${n} s.`,
      notKlarsteg: (s) => `Inget Klarsteg-API på ${s}. Kontrollera serverns adress i inställningarna.`,
      permission: (s) => `Klarsteg får inte kontakta ${s}. Öppna inställningarna och spara servern igen.`,
      badServer: "Serverns adress i Klarstegs inställningar är ogiltig.",
      reload: "Klarsteg har uppdaterats: ladda om sidan för att använda det här.",
    },
  };

  const CSS = `
:host { all: initial; }
.card {
  box-sizing: border-box; width: 100%; max-height: inherit; overflow: auto;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b2430; background: #ffffff; border: 1px solid #d5dce5; border-radius: 12px;
  box-shadow: 0 10px 28px rgba(15, 30, 50, .16), 0 2px 6px rgba(15, 30, 50, .08);
  padding: 12px 14px 12px; text-align: left; letter-spacing: normal; user-select: none;
}
* { box-sizing: border-box; }
header { display: flex; align-items: center; gap: 10px; }
.badge {
  flex: none; width: 46px; height: 46px; border-radius: 50%; display: grid; place-items: center;
  font-weight: 750; font-size: 18px; color: #fff; background: #94a3b8; font-variant-numeric: tabular-nums;
}
.v-concrete .badge { background: #15803d; }
.v-partial .badge { background: #b45309; }
.v-vague .badge { background: #b91c1c; }
.v-none .badge { background: #475569; }
.heading { flex: 1; min-width: 0; }
.brand { font-size: 11px; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; color: #1f4e79; }
.verdict { font-size: 15px; font-weight: 650; margin-top: 1px; }
.v-concrete .verdict { color: #15803d; } .v-partial .verdict { color: #b45309; }
.v-vague .verdict { color: #b91c1c; } .v-none .verdict { color: #475569; }
.close {
  flex: none; align-self: flex-start; border: 0; background: transparent; color: #5b6675; cursor: pointer;
  font-size: 18px; line-height: 1; padding: 2px 4px; border-radius: 6px;
}
.close:hover { background: #eef2f7; color: #1b2430; }
.status { margin: 8px 0 0; color: #5b6675; font-size: 12.5px; }
.status:empty { display: none; }
.error .status { color: #9a3412; background: #fff7ed; border: 1px solid #fed7aa; border-radius: 8px; padding: 6px 8px; }
.stale .result { opacity: .5; }
.result:empty { display: none; }
.tags { display: flex; flex-wrap: wrap; gap: 4px 6px; margin: 10px 0 0; align-items: center; }
.tags .label { font-size: 11px; font-weight: 650; color: #5b6675; text-transform: uppercase; letter-spacing: .04em; margin-right: 2px; }
.tag { border-radius: 999px; padding: 1px 8px; font-size: 12px; border: 1px solid; }
.tag.missing { color: #9f1239; background: #fff1f2; border-color: #fecdd3; }
.tag.vague { color: #92400e; background: #fffbeb; border-color: #fde68a; }
.ok { margin: 10px 0 0; color: #15803d; }
h4 { margin: 12px 0 4px; font-size: 11px; font-weight: 650; color: #5b6675; text-transform: uppercase; letter-spacing: .04em; }
ul { margin: 0; padding: 0 0 0 18px; }
li { margin: 2px 0; }
.show {
  margin-top: 10px; border: 1px solid #1f4e79; color: #1f4e79; background: #fff; border-radius: 8px;
  padding: 4px 10px; font: inherit; font-size: 12.5px; font-weight: 600; cursor: pointer;
}
.show:hover { background: #eff6ff; }
.note { margin-top: 10px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; font-size: 11.5px; color: #5b6675; margin-bottom: 6px; }
.legend span { display: inline-flex; align-items: center; gap: 4px; }
.legend i { width: 10px; height: 10px; border-radius: 3px; display: inline-block; }
.copy {
  white-space: pre-wrap; overflow-wrap: anywhere; background: #f8fafc; border: 1px solid #e2e8f0;
  border-radius: 8px; padding: 8px 10px; max-height: 180px; overflow: auto;
}
mark { color: inherit; border-radius: 3px; padding: 0 1px; }
.hl-next_step, .legend .hl-next_step { background: #dbeafe; box-shadow: inset 0 -2px #1d4ed8; }
.hl-reason, .legend .hl-reason { background: #f3e8ff; box-shadow: inset 0 -2px #7e22ce; }
.hl-when, .legend .hl-when { background: #fef3c7; box-shadow: inset 0 -2px #b45309; }
.compact .result, .compact .status { display: none; }
`;

  /* ------------------------------------------------------------------ state */

  let active = false; // Klarsteg is on for this site
  let alive = true; // the extension is still there (not reloaded or removed)
  let field = null; // the field the panel belongs to
  let panel = null; // {host, root, card, ...}
  let hostWin = null; // the window whose document holds the panel (top-most same-origin one)
  let watched = []; // windows with our scroll/resize listeners
  let resizeObs = null;
  let debounceTimer = 0;
  let retryTimer = 0;
  let pollTimer = 0;
  let backoff = 0; // seconds of the last retry delay after a network failure
  let seq = 0; // only the answer to the latest request is shown
  let result = null; // last result and the exact text it belongs to
  let resultText = "";
  let noteOpen = false;
  let lang = (navigator.language || "en").toLowerCase().startsWith("sv") ? "sv" : "en";
  const dismissed = new WeakSet();

  const t = () => TEXT[lang] || TEXT.en;

  function send(message) {
    return new Promise((resolve) => {
      try {
        chrome.runtime.sendMessage(message, (answer) => {
          if (chrome.runtime.lastError) resolve(null);
          else resolve(answer || null);
        });
      } catch (e) {
        alive = false; // "Extension context invalidated"
        resolve(null);
      }
    });
  }

  /* ------------------------------------------------------------------ fields */

  function editingHost(el) {
    while (el.parentElement && el.parentElement.isContentEditable) el = el.parentElement;
    // An editor inside a shadow root: climb to the host only if the host is editable too.
    return el;
  }

  function fieldOf(node) {
    if (!node) return null;
    if (node.nodeType === Node.TEXT_NODE) node = node.parentElement;
    if (!node || node.nodeType !== Node.ELEMENT_NODE) return null;
    if (node.localName === HOST_TAG) return null;
    if (node.localName === "textarea") return node.disabled || node.readOnly ? null : node;
    if (node.isContentEditable) return editingHost(node);
    return null;
  }

  function eventField(event) {
    const path = typeof event.composedPath === "function" ? event.composedPath() : [];
    if (path.some((n) => n && n.localName === HOST_TAG)) return null;
    return fieldOf(path[0] || event.target);
  }

  /* The field's text as sent to the server. Non-breaking spaces (which editors insert for
     repeated spaces) become spaces and trailing whitespace is dropped, so offsets still count
     from the start of what the rep wrote. */
  function readText(el) {
    const raw = el.localName === "textarea" ? el.value : el.innerText || el.textContent || "";
    return raw.replace(/\u00a0/g, " ").replace(/\s+$/, "");
  }

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  /* ------------------------------------------------------------------ panel */

  function topSameOriginWindow() {
    let win = window;
    for (;;) {
      let frame = null;
      try {
        frame = win.frameElement; // null when the parent is cross-origin (or this is the top)
      } catch (e) {
        frame = null;
      }
      if (!frame || !frame.ownerDocument || !frame.ownerDocument.defaultView) return win;
      win = frame.ownerDocument.defaultView;
    }
  }

  function el(doc, tag, attrs, children) {
    const node = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children || []) node.append(c);
    return node;
  }

  function createPanel() {
    hostWin = topSameOriginWindow();
    const doc = hostWin.document;
    // One panel per page: a panel of another field (or another frame's script) goes.
    for (const other of doc.querySelectorAll(HOST_TAG)) other.remove();
    const host = doc.createElement(HOST_TAG);
    host.setAttribute("data-klarsteg-score", "");
    host.setAttribute("data-klarsteg-verdict", "");
    host.setAttribute("data-klarsteg-state", "idle");
    const fixed = {
      position: "fixed",
      "z-index": "2147483647",
      display: "block",
      margin: "0",
      padding: "0",
      border: "0",
      top: "0px",
      left: "0px",
      width: PANEL_WIDTH + "px",
      visibility: "hidden",
      "max-height": "none",
    };
    for (const [k, v] of Object.entries(fixed)) host.style.setProperty(k, v, "important");
    const root = host.attachShadow({ mode: "open" });
    try {
      const sheet = new hostWin.CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.append(el(doc, "style", { text: CSS }));
    }
    const badge = el(doc, "div", { class: "badge", "aria-hidden": "true", text: "\u2013" });
    const brand = el(doc, "div", { class: "brand", text: "Klarsteg" });
    const verdict = el(doc, "div", { class: "verdict" });
    const close = el(doc, "button", { class: "close", type: "button", text: "\u00d7" });
    const status = el(doc, "p", { class: "status", role: "status", "aria-live": "polite" });
    const body = el(doc, "div", { class: "result" });
    const card = el(doc, "section", { class: "card", role: "complementary", "aria-label": "Klarsteg" }, [
      el(doc, "header", {}, [badge, el(doc, "div", { class: "heading" }, [brand, verdict]), close]),
      status,
      body,
    ]);
    root.append(card);
    // Clicks in the panel never take the focus (or the caret) from the rep's field.
    card.addEventListener("mousedown", (e) => e.preventDefault());
    close.addEventListener("click", () => {
      if (field) dismissed.add(field);
      removePanel();
    });
    (doc.body || doc.documentElement).append(host);
    panel = { host, root, card, badge, verdict, close, status, body };
    watch();
    return panel;
  }

  function removePanel() {
    unwatch();
    if (panel) panel.host.remove();
    panel = null;
    hostWin = null;
  }

  function ensurePanel() {
    if (panel && panel.host.isConnected) return panel;
    if (panel) removePanel();
    return createPanel();
  }

  /* Scroll, resize and layout changes move the panel with its field. */
  function watch() {
    unwatch();
    let win = field ? field.ownerDocument.defaultView : window;
    const wins = [];
    while (win) {
      wins.push(win);
      if (win === hostWin) break;
      let frame = null;
      try {
        frame = win.frameElement;
      } catch (e) {
        frame = null;
      }
      win = frame ? frame.ownerDocument.defaultView : null;
    }
    for (const w of wins) {
      w.addEventListener("scroll", schedulePlace, { capture: true, passive: true });
      w.addEventListener("resize", schedulePlace, { passive: true });
    }
    watched = wins;
    if (field && typeof ResizeObserver === "function") {
      resizeObs = new ResizeObserver(schedulePlace);
      resizeObs.observe(field);
      if (panel) resizeObs.observe(panel.card);
    }
    pollTimer = setInterval(schedulePlace, 400); // the page may move the field without scrolling
  }

  function unwatch() {
    for (const w of watched) {
      w.removeEventListener("scroll", schedulePlace, { capture: true });
      w.removeEventListener("resize", schedulePlace);
    }
    watched = [];
    if (resizeObs) resizeObs.disconnect();
    resizeObs = null;
    clearInterval(pollTimer);
    pollTimer = 0;
  }

  let placePending = false;
  function schedulePlace() {
    if (placePending) return;
    placePending = true;
    requestAnimationFrame(() => {
      placePending = false;
      place();
    });
  }

  /* The field's visible box in the panel window's viewport (frames' offsets added, clipped to
     every viewport on the way), or null when none of it is visible. */
  function fieldBox() {
    const r = field.getBoundingClientRect();
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    let win = field.ownerDocument.defaultView;
    for (;;) {
      const view = viewport(win);
      box = {
        left: Math.max(box.left, 0),
        top: Math.max(box.top, 0),
        right: Math.min(box.right, view.width),
        bottom: Math.min(box.bottom, view.height),
      };
      if (box.right <= box.left || box.bottom <= box.top) return null;
      if (win === hostWin) return box;
      let frame = null;
      try {
        frame = win.frameElement;
      } catch (e) {
        frame = null;
      }
      if (!frame) return box;
      const fr = frame.getBoundingClientRect();
      const cs = frame.ownerDocument.defaultView.getComputedStyle(frame);
      const dx = fr.left + frame.clientLeft + parseFloat(cs.paddingLeft || "0");
      const dy = fr.top + frame.clientTop + parseFloat(cs.paddingTop || "0");
      box = { left: box.left + dx, top: box.top + dy, right: box.right + dx, bottom: box.bottom + dy };
      win = frame.ownerDocument.defaultView;
    }
  }

  /* The visible viewport without scrollbars. */
  function viewport(win) {
    const doc = win.document;
    const de = doc.documentElement;
    if (doc.compatMode === "CSS1Compat" && de && de.clientWidth) {
      return { width: de.clientWidth, height: de.clientHeight };
    }
    return { width: win.innerWidth, height: win.innerHeight };
  }

  function setHostStyle(props) {
    for (const [k, v] of Object.entries(props)) panel.host.style.setProperty(k, v, "important");
  }

  /* Beside the field, never over it: right, left, below or above, whichever has room. */
  function place() {
    if (!panel) return;
    if (!panel.host.isConnected) {
      removePanel();
      return;
    }
    if (!field || !field.isConnected) {
      removePanel();
      field = null;
      return;
    }
    const box = fieldBox();
    if (!box) {
      setHostStyle({ visibility: "hidden" });
      return;
    }
    const view = viewport(hostWin);
    const vw = view.width;
    const vh = view.height;
    const clamp = (v, lo, hi) => Math.max(lo, Math.min(v, hi));
    panel.card.classList.remove("compact");
    setHostStyle({ "max-height": "none", width: PANEL_WIDTH + "px" });
    const h = panel.card.scrollHeight + 2;
    const spaces = {
      right: vw - box.right - 2 * GAP,
      left: box.left - 2 * GAP,
      below: vh - box.bottom - 2 * GAP,
      above: box.top - 2 * GAP,
    };
    let spot = null;
    const width = Math.min(PANEL_WIDTH, vw - 2 * GAP);
    if (spaces.right >= PANEL_WIDTH) spot = { side: "right", w: PANEL_WIDTH, maxH: vh - 2 * GAP };
    else if (spaces.left >= PANEL_WIDTH) spot = { side: "left", w: PANEL_WIDTH, maxH: vh - 2 * GAP };
    else if (spaces.below >= h) spot = { side: "below", w: width, maxH: spaces.below };
    else if (spaces.above >= h) spot = { side: "above", w: width, maxH: spaces.above };
    else if (Math.max(spaces.right, spaces.left) >= MIN_WIDTH) {
      const side = spaces.right >= spaces.left ? "right" : "left";
      spot = { side, w: Math.min(PANEL_WIDTH, spaces[side]), maxH: vh - 2 * GAP };
    } else if (Math.max(spaces.below, spaces.above) >= 64) {
      const side = spaces.below >= spaces.above ? "below" : "above";
      spot = { side, w: width, maxH: spaces[side] };
    } else {
      // The field fills the view: a compact badge in the corner with the most room.
      spot = { side: "corner", w: Math.min(220, width), maxH: 64 };
    }
    setHostStyle({ width: spot.w + "px", "max-height": Math.max(48, spot.maxH) + "px" });
    if (spot.maxH < 110) panel.card.classList.add("compact");
    const ph = Math.min(panel.card.scrollHeight + 2, Math.max(48, spot.maxH));
    let left;
    let top;
    if (spot.side === "right") {
      left = box.right + GAP;
      top = clamp(box.top, GAP, vh - ph - GAP);
    } else if (spot.side === "left") {
      left = box.left - GAP - spot.w;
      top = clamp(box.top, GAP, vh - ph - GAP);
    } else if (spot.side === "below") {
      left = clamp(box.left, GAP, vw - spot.w - GAP);
      top = box.bottom + GAP;
    } else if (spot.side === "above") {
      left = clamp(box.left, GAP, vw - spot.w - GAP);
      top = box.top - GAP - ph;
    } else {
      left = vw - spot.w - GAP;
      top = vh - ph - GAP;
    }
    setHostStyle({ left: Math.round(left) + "px", top: Math.round(top) + "px", visibility: "visible" });
    panel.host.setAttribute("data-klarsteg-placement", spot.side);
  }

  /* ------------------------------------------------------------------ rendering */

  function setHook(state, res) {
    const host = panel.host;
    host.setAttribute("data-klarsteg-state", state);
    host.setAttribute("data-klarsteg-score", res ? String(res.score) : "");
    host.setAttribute("data-klarsteg-verdict", res ? String(res.verdict) : "");
    host.setAttribute("lang", lang);
  }

  function codePoints(text) {
    return Array.from(text);
  }

  /* The note with the next step, reason and when marked (offsets are code points). */
  function markedCopy(doc, res, text) {
    const chars = codePoints(text);
    const spans = ["next_step", "reason", "when"]
      .filter((f) => res[f] && res[f].end > res[f].start)
      .map((f) => ({ f, start: res[f].start, end: Math.min(res[f].end, chars.length) }));
    const cuts = new Set([0, chars.length]);
    for (const s of spans) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
    const points = [...cuts].filter((p) => p >= 0 && p <= chars.length).sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      const piece = chars.slice(a, b).join("");
      const on = spans.filter((s) => s.start <= a && b <= s.end);
      if (!on.length) out.push(doc.createTextNode(piece));
      else {
        const top = on[on.length - 1];
        out.push(
          el(doc, "mark", {
            class: on.map((s) => "hl-" + s.f).join(" "),
            "data-field": top.f,
            title: on.map((s) => t().legend[s.f]).join(" + "),
            text: piece,
          }),
        );
      }
    }
    return out;
  }

  function renderResult() {
    const p = panel;
    const doc = p.host.ownerDocument;
    const tx = t();
    const res = result;
    p.card.className = "card v-" + res.verdict;
    p.badge.textContent = String(res.score);
    p.badge.setAttribute("title", `${tx.score} ${res.score}/100`);
    p.verdict.textContent = tx.verdicts[res.verdict] || res.verdict;
    p.close.setAttribute("aria-label", tx.close);
    p.close.setAttribute("title", tx.close);
    const parts = [];
    const tagRow = (label, cls, names) =>
      el(doc, "div", { class: "tags" }, [
        el(doc, "span", { class: "label", text: label }),
        ...names.map((n) => el(doc, "span", { class: "tag " + cls, "data-field": n, text: tx.fields[n] || n })),
      ]);
    if (res.missing.length) parts.push(tagRow(tx.missing, "missing", res.missing));
    if (res.vague.length) parts.push(tagRow(tx.vagueLabel, "vague", res.vague));
    if (!res.missing.length && !res.vague.length) parts.push(el(doc, "p", { class: "ok", text: tx.allClear }));
    if (res.questions.length) {
      parts.push(el(doc, "h4", { text: tx.questions }));
      parts.push(
        el(
          doc,
          "ul",
          { class: "questions" },
          res.questions.map((q) => el(doc, "li", { text: q })),
        ),
      );
    }
    const toggle = el(doc, "button", {
      class: "show",
      type: "button",
      "aria-expanded": String(noteOpen),
      text: noteOpen ? tx.hide : tx.show,
    });
    toggle.addEventListener("click", () => {
      noteOpen = !noteOpen;
      renderResult();
      schedulePlace();
    });
    parts.push(toggle);
    if (noteOpen) {
      const legend = el(
        doc,
        "div",
        { class: "legend" },
        ["next_step", "reason", "when"].map((f) =>
          el(doc, "span", {}, [
            el(doc, "i", { class: "hl-" + f }),
            `${tx.legend[f]}${res[f] ? "" : " (" + tx.notFound + ")"}`,
          ]),
        ),
      );
      parts.push(el(doc, "div", { class: "note" }, [legend, el(doc, "div", { class: "copy" }, markedCopy(doc, res, resultText))]));
    }
    p.body.replaceChildren(...parts);
  }

  /* state: typing | scoring | scored | down | timeout | unauthorized | too_long | rejected | busy |
     server_error | not_klarsteg | permission | bad_server | reload */
  function show(state, line) {
    if (!field || dismissed.has(field)) return;
    const p = ensurePanel();
    const scored = state === "scored";
    const keepOld = !scored && result && (state === "typing" || state === "scoring");
    setHook(state, scored ? result : null);
    p.status.textContent = line || "";
    if (scored) {
      p.card.classList.remove("stale", "error");
      renderResult();
    } else if (keepOld) {
      renderResult();
      p.card.classList.add("stale");
      p.badge.textContent = "\u2026";
    } else {
      p.card.className = "card" + (state === "typing" || state === "scoring" ? "" : " error");
      p.badge.textContent = state === "typing" || state === "scoring" ? "\u2026" : "!";
      p.verdict.textContent = "";
      p.body.replaceChildren();
      p.close.setAttribute("aria-label", t().close);
    }
    schedulePlace();
  }

  /* ------------------------------------------------------------------ scoring */

  function clearTimers() {
    clearTimeout(debounceTimer);
    clearTimeout(retryTimer);
    debounceTimer = retryTimer = 0;
  }

  function onTextChanged() {
    clearTimers();
    seq++; // an answer still on its way is for older text
    if (!active || !field) return;
    const text = readText(field);
    if (text.length < MIN_CHARS) {
      result = null;
      resultText = "";
      removePanel();
      return;
    }
    if (result && text === resultText) {
      show("scored");
      return;
    }
    show("typing", t().typing);
    debounceTimer = setTimeout(scoreNow, DEBOUNCE_MS);
  }

  function retryIn(seconds, fn) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(fn, Math.max(1, seconds) * 1000);
  }

  async function scoreNow() {
    debounceTimer = 0;
    if (!active || !field || !alive) return;
    const text = readText(field);
    if (text.length < MIN_CHARS) return;
    const mine = ++seq;
    show("scoring", t().scoring);
    const answer = await send({ type: "score", text: text, note_date: today() });
    if (mine !== seq || !field || readText(field) !== text) return; // typed on meanwhile
    if (!answer) {
      show("reload", t().reload);
      return;
    }
    if (answer.ok) {
      backoff = 0;
      result = answer.result;
      resultText = text;
      if (result.language === "sv" || result.language === "en") lang = result.language;
      show("scored");
      return;
    }
    const tx = t();
    const server = answer.server || "";
    switch (answer.kind) {
      case "off":
        setActive(false);
        return;
      case "down":
      case "timeout": {
        backoff = backoff ? Math.min(backoff * 2, 60) : 2;
        show(answer.kind, tx[answer.kind](server, backoff));
        retryIn(backoff, scoreNow);
        return;
      }
      case "busy": {
        const wait = Math.round(Math.min(Math.max(answer.retryAfter == null ? 2 : answer.retryAfter, 1), 120));
        show("busy", tx.busy(wait));
        retryIn(wait, scoreNow);
        return;
      }
      case "server_error": {
        backoff = backoff ? Math.min(backoff * 2, 60) : 5;
        show("server_error", tx.serverError(answer.status || "?", backoff));
        retryIn(backoff, scoreNow);
        return;
      }
      case "unauthorized":
        show("unauthorized", tx.unauthorized); // retried when the settings change
        return;
      case "too_long":
        show("too_long", tx.tooLong); // retried when the text changes
        return;
      case "rejected":
        show("rejected", tx.rejected(answer.detail || ""));
        return;
      case "not_klarsteg":
        show("not_klarsteg", tx.notKlarsteg(server));
        return;
      case "permission":
        show("permission", tx.permission(server));
        return;
      case "bad_server":
        show("bad_server", tx.badServer);
        return;
      default:
        show("server_error", tx.serverError(answer.status || "?", 10));
        retryIn(10, scoreNow);
    }
  }

  function attach(f) {
    if (f === field) return;
    clearTimers();
    seq++;
    field = f;
    result = null;
    resultText = "";
    noteOpen = false;
    removePanel();
  }

  /* ------------------------------------------------------------------ events */

  function onFocusIn(event) {
    if (!active) return;
    const f = eventField(event);
    if (!f) return;
    if (f !== field) {
      dismissed.delete(f);
      attach(f);
      if (readText(f).length >= MIN_CHARS) onTextChanged();
    } else if (dismissed.has(f)) {
      dismissed.delete(f);
      onTextChanged();
    }
  }

  function onInput(event) {
    if (!active) return;
    const f = eventField(event);
    if (!f) return;
    if (f !== field) attach(f);
    onTextChanged();
  }

  /* Fields removed from the page take their panel with them; fields added later need nothing
     (focus and input events reach the document), but one that arrives focused is picked up. */
  const observer = new MutationObserver((records) => {
    if (!active) return;
    for (const rec of records) {
      for (const node of rec.removedNodes) {
        if (field && node.nodeType === Node.ELEMENT_NODE && (node === field || node.contains(field))) {
          clearTimers();
          field = null;
          result = null;
          removePanel();
        }
      }
    }
    adoptFocused();
  });

  function deepActiveElement(doc) {
    let a = doc.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  }

  function adoptFocused() {
    const f = fieldOf(deepActiveElement(document));
    if (f && f !== field && !dismissed.has(f)) {
      attach(f);
      if (readText(f).length >= MIN_CHARS) onTextChanged();
    }
  }

  function setActive(on) {
    if (on === active) return;
    active = on;
    if (on) {
      observer.observe(document, { childList: true, subtree: true });
      adoptFocused();
    } else {
      observer.disconnect();
      clearTimers();
      seq++;
      field = null;
      result = null;
      resultText = "";
      removePanel();
    }
  }

  async function refresh() {
    const status = await send({ type: "status" });
    if (!status) return;
    setActive(Boolean(status.active));
    // Settings changed (a new key or server): try the current note again.
    if (active && field && panel && panel.host.getAttribute("data-klarsteg-state") !== "scored") {
      backoff = 0;
      onTextChanged();
    }
  }

  document.addEventListener("focusin", onFocusIn, true);
  document.addEventListener("input", onInput, true);
  chrome.runtime.onMessage.addListener((msg) => {
    if (msg && msg.type === "config") refresh();
  });
  globalThis.__klarstegContent = { refresh };
  refresh();
})();
