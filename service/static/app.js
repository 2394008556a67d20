/* Klarsteg web page: posts a note to /v1/score and shows what the model found. No dependencies. */
"use strict";

(function () {
  const MAX_CHARS = 20000;
  const KEY_STORE = "klarsteg.apiKey";
  const UI_STORE = "klarsteg.uiLang";

  const EXAMPLES = {
    sv: {
      text: "Bra möte med Eva. Hon ska prata med IT. Vi bokade demo tis 17/3 kl 10 för att visa integrationen.",
      date: "2026-03-10",
    },
    en: {
      text: "Good call with Anna at Nordfrakt. I'll call Anna on Friday at 2pm to go through the quote with the CFO.",
      date: "2026-03-10",
    },
  };

  const TEXT = {
    en: {
      skip: "Skip to the note",
      tagline: "Is this follow-up real? What happens next, why, and when.",
      uiLanguage: "Interface language",
      apiKey: "API key",
      apiKeyLabel: "API key (kept for this browser tab only)",
      save: "Save",
      clear: "Clear",
      keySaved: "Saved for this tab.",
      keyCleared: "No key set.",
      formTitle: "Note",
      noteLabel: "Paste a follow-up note (Swedish or English)",
      noteHint: "1 to 20,000 characters. Press Ctrl+Enter to score.",
      dateLabel: "Note date (optional)",
      dateHint: "Dates like \u201cFriday\u201d count from this day. Empty: today.",
      languageLabel: "Note language",
      langAuto: "Detect",
      langSv: "Swedish",
      langEn: "English",
      score: "Score",
      scoring: "Scoring\u2026",
      examples: "Try an example:",
      exampleSv: "Swedish note",
      exampleEn: "English note",
      resultTitle: "Result",
      placeholder:
        "Paste a note and press Score: Klarsteg finds the next step, the reason and the date, and tells you what to settle with the customer.",
      noteHeading: "The note",
      nextStep: "Next step",
      reason: "Reason",
      when: "When",
      questionsHeading: "Questions to settle with the customer",
      noQuestions: "Nothing to settle: the next step, its reason and its date are all clear.",
      footer: "Notes are scored on this server and are not stored.",
      apiDocs: "API documentation",
      partsLabel: "Score parts",
      legend: "Legend",
      missing: "Missing",
      vague: "Vague",
      allClear: "All three are clear",
      notFound: "not found",
      clearReason: "clear purpose",
      genericReason: "generic purpose",
      action: "action",
      owner: "owner",
      confidence: "confidence",
      model: "Model",
      noteLanguage: "note language",
      counter: (n) => `${n.toLocaleString("sv-SE")} / 20 000`,
      verdicts: {
        concrete: ["Concrete", "A real follow-up: what, why and when are all clear."],
        partial: ["Partly concrete", "A next step, but something is missing or vague."],
        vague: ["Vague", "A next step, but neither its reason nor its date is clear: likely a brush-off."],
        none: ["No next step", "The note commits to no next contact with the customer."],
      },
      fieldNames: { next_step: "next step", reason: "reason", when: "when" },
      actions: {
        meeting: "meeting", demo: "demo", call: "call", email: "e-mail", send: "send something",
        contact: "generic follow-up", other: "other",
      },
      owners: { seller: "the seller", customer: "the customer", both: "both", unknown: "unknown" },
      granularity: {
        datetime: "date and time", date: "date", week: "week", month: "month", quarter: "quarter",
        year: "year", fuzzy: "fuzzy",
      },
      errors: {
        network: "Could not reach the service. Check the connection and try again.",
        empty: "Paste a note first.",
        tooLong: (n) => `The note is ${n.toLocaleString("en")} characters; the limit is 20,000.`,
        auth: "This service needs an API key: enter it under \u201cAPI key\u201d at the top.",
        busy: "The service is busy. Try again in a moment.",
        generic: "The note could not be scored.",
      },
    },
    sv: {
      skip: "Hoppa till anteckningen",
      tagline: "Är återkomsten på riktigt? Vad händer härnäst, varför och när.",
      uiLanguage: "Gränssnittets språk",
      apiKey: "API-nyckel",
      apiKeyLabel: "API-nyckel (sparas bara i den här fliken)",
      save: "Spara",
      clear: "Rensa",
      keySaved: "Sparad för den här fliken.",
      keyCleared: "Ingen nyckel angiven.",
      formTitle: "Anteckning",
      noteLabel: "Klistra in en anteckning (svenska eller engelska)",
      noteHint: "1 till 20 000 tecken. Ctrl+Enter bedömer.",
      dateLabel: "Anteckningens datum (valfritt)",
      dateHint: "Datum som \u201cfredag\u201d räknas från den här dagen. Tomt: i dag.",
      languageLabel: "Anteckningens språk",
      langAuto: "Känn av",
      langSv: "Svenska",
      langEn: "Engelska",
      score: "Bedöm",
      scoring: "Bedömer\u2026",
      examples: "Prova ett exempel:",
      exampleSv: "Svensk anteckning",
      exampleEn: "Engelsk anteckning",
      resultTitle: "Resultat",
      placeholder:
        "Klistra in en anteckning och tryck Bedöm: Klarsteg hittar nästa steg, syftet och datumet, och säger vad du behöver spika med kunden.",
      noteHeading: "Anteckningen",
      nextStep: "Nästa steg",
      reason: "Varför",
      when: "När",
      questionsHeading: "Frågor att reda ut med kunden",
      noQuestions: "Inget att reda ut: nästa steg, syftet och datumet är tydliga.",
      footer: "Anteckningar bedöms på den här servern och sparas inte.",
      apiDocs: "API-dokumentation",
      partsLabel: "Poängens delar",
      legend: "Färgförklaring",
      missing: "Saknas",
      vague: "Vagt",
      allClear: "Alla tre är tydliga",
      notFound: "saknas",
      clearReason: "tydligt syfte",
      genericReason: "allmänt syfte",
      action: "typ",
      owner: "vem",
      confidence: "säkerhet",
      model: "Modell",
      noteLanguage: "anteckningens språk",
      counter: (n) => `${n.toLocaleString("sv-SE")} / 20 000`,
      verdicts: {
        concrete: ["Konkret", "En riktig återkomst: vad, varför och när är tydliga."],
        partial: ["Delvis konkret", "Ett nästa steg finns, men något saknas eller är vagt."],
        vague: ["Vag", "Ett nästa steg, men varken syfte eller datum är tydligt: troligen en artig avvisning."],
        none: ["Inget nästa steg", "Anteckningen lovar ingen ny kontakt med kunden."],
      },
      fieldNames: { next_step: "nästa steg", reason: "varför", when: "när" },
      actions: {
        meeting: "möte", demo: "demo", call: "samtal", email: "e-post", send: "skicka något",
        contact: "allmän återkomst", other: "annat",
      },
      owners: { seller: "säljaren", customer: "kunden", both: "båda", unknown: "okänt" },
      granularity: {
        datetime: "datum och tid", date: "datum", week: "vecka", month: "månad", quarter: "kvartal",
        year: "år", fuzzy: "oklart",
      },
      errors: {
        network: "Kunde inte nå tjänsten. Kontrollera anslutningen och försök igen.",
        empty: "Klistra in en anteckning först.",
        tooLong: (n) => `Anteckningen har ${n.toLocaleString("sv-SE")} tecken; gränsen är 20 000.`,
        auth: "Tjänsten kräver en API-nyckel: ange den under \u201cAPI-nyckel\u201d högst upp.",
        busy: "Tjänsten är upptagen. Försök igen om en stund.",
        generic: "Anteckningen kunde inte bedömas.",
      },
    },
  };

  const $ = (id) => document.getElementById(id);
  const form = $("score-form");
  const note = $("note");
  const noteDate = $("note-date");
  const language = $("language");
  const button = $("score-btn");
  const errorBox = $("error");
  const resultBox = $("result");
  const keyInput = $("api-key");
  const keyBox = $("keybox");

  let ui = initialUi();
  let uiPinned = Boolean(safeGet(UI_STORE));
  let lastResult = null;
  let lastText = "";

  function safeGet(name) {
    try {
      return window.sessionStorage.getItem(name);
    } catch (e) {
      return null;
    }
  }

  function safeSet(name, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(name);
      else window.sessionStorage.setItem(name, value);
    } catch (e) {
      /* storage unavailable: keep the value for this page only */
    }
  }

  function initialUi() {
    const stored = safeGet(UI_STORE);
    if (stored === "sv" || stored === "en") return stored;
    return (navigator.language || "en").toLowerCase().startsWith("sv") ? "sv" : "en";
  }

  function t(key) {
    return TEXT[ui][key];
  }

  function codePoints(s) {
    return Array.from(s);
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children || []) node.append(c);
    return node;
  }

  /* ------------------------------------------------------------------ interface language */

  function applyUi() {
    document.documentElement.lang = ui;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const value = TEXT[ui][node.dataset.i18n];
      if (typeof value === "string") node.textContent = value;
    }
    for (const node of document.querySelectorAll("[data-i18n-label]")) {
      node.setAttribute("aria-label", TEXT[ui][node.dataset.i18nLabel]);
    }
    $("parts").setAttribute("aria-label", t("partsLabel"));
    document.querySelector(".legend").setAttribute("aria-label", t("legend"));
    $("ui-sv").setAttribute("aria-pressed", String(ui === "sv"));
    $("ui-en").setAttribute("aria-pressed", String(ui === "en"));
    updateCounter();
    updateKeyStatus();
    if (lastResult) render(lastResult, lastText);
  }

  function setUi(lang, pinned) {
    ui = lang;
    if (pinned) {
      uiPinned = true;
      safeSet(UI_STORE, lang);
    }
    applyUi();
  }

  /* ------------------------------------------------------------------ API key */

  function updateKeyStatus() {
    const has = Boolean(safeGet(KEY_STORE));
    keyBox.dataset.set = String(has);
    $("key-status").textContent = has ? t("keySaved") : t("keyCleared");
  }

  $("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = keyInput.value.trim();
    safeSet(KEY_STORE, value || null);
    keyInput.value = "";
    updateKeyStatus();
  });
  $("key-clear").addEventListener("click", () => {
    safeSet(KEY_STORE, null);
    keyInput.value = "";
    updateKeyStatus();
  });

  /* ------------------------------------------------------------------ form */

  function updateCounter() {
    const n = codePoints(note.value).length;
    const counter = $("counter");
    counter.textContent = t("counter")(n);
    counter.classList.toggle("over", n > MAX_CHARS);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function fillExample(lang) {
    note.value = EXAMPLES[lang].text;
    noteDate.value = EXAMPLES[lang].date;
    language.value = "auto";
    if (!uiPinned) setUi(lang, false);
    updateCounter();
    note.focus();
  }

  $("example-sv").addEventListener("click", () => fillExample("sv"));
  $("example-en").addEventListener("click", () => fillExample("en"));
  $("ui-sv").addEventListener("click", () => setUi("sv", true));
  $("ui-en").addEventListener("click", () => setUi("en", true));
  note.addEventListener("input", updateCounter);
  language.addEventListener("change", () => {
    if (!uiPinned && (language.value === "sv" || language.value === "en")) setUi(language.value, false);
  });
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit();
  });

  async function submit() {
    const text = note.value;
    showError("");
    if (!text.trim()) {
      showError(t("errors").empty);
      note.focus();
      return;
    }
    const n = codePoints(text).length;
    if (n > MAX_CHARS) {
      showError(t("errors").tooLong(n));
      return;
    }
    const body = { text: text, language: language.value };
    if (noteDate.value) body.note_date = noteDate.value;
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const key = safeGet(KEY_STORE);
    if (key) headers["X-API-Key"] = key;

    button.disabled = true;
    button.querySelector("[data-i18n]").textContent = t("scoring");
    resultBox.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(new URL("v1/score", document.baseURI), {
        method: "POST",
        headers: headers,
        body: JSON.stringify(body),
      });
      let payload = null;
      try {
        payload = await response.json();
      } catch (e) {
        payload = null;
      }
      if (!response.ok) {
        handleError(response.status, payload);
        return;
      }
      lastResult = payload;
      lastText = text;
      if (!uiPinned && (payload.language === "sv" || payload.language === "en") && payload.language !== ui) {
        setUi(payload.language, false); /* re-renders */
      } else {
        render(payload, text);
      }
      revealResult();
    } catch (e) {
      showError(t("errors").network);
    } finally {
      button.disabled = false;
      button.querySelector("[data-i18n]").textContent = t("score");
      resultBox.setAttribute("aria-busy", "false");
    }
  }

  function handleError(status, payload) {
    const errors = t("errors");
    const detail = payload && typeof payload.detail === "string" ? payload.detail : "";
    if (status === 401) {
      keyBox.open = true;
      showError(errors.auth);
      keyInput.focus();
    } else if (status === 503 || status === 429) {
      showError(errors.busy);
    } else {
      showError(detail ? `${errors.generic} (${status}: ${detail})` : `${errors.generic} (${status})`);
    }
  }

  /* ------------------------------------------------------------------ result */

  const SPANS = [
    ["next_step", "hl-step", "nextStep"],
    ["reason", "hl-reason", "reason"],
    ["when", "hl-when", "when"],
  ];

  function markedNote(result, text) {
    /* Offsets are code points (Python string indices), so slice an array of code points. */
    const chars = codePoints(text);
    const spans = SPANS.filter(([f]) => result[f] && result[f].end > result[f].start).map(([f, cls, label]) => ({
      start: result[f].start,
      end: Math.min(result[f].end, chars.length),
      cls: cls,
      label: t(label),
      field: f,
    }));
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
      const active = spans.filter((s) => s.start <= a && b <= s.end);
      if (!active.length) {
        out.push(document.createTextNode(piece));
        continue;
      }
      const top = active[active.length - 1];
      const mark = el("mark", {
        class: active.map((s) => s.cls).join(" "),
        "data-field": top.field,
        title: active.map((s) => s.label).join(" + "),
        text: piece,
      });
      out.push(mark);
    }
    return out;
  }

  function detailRow(label, value) {
    return [el("dt", { text: label }), el("dd", {}, value)];
  }

  function fieldDetails(result) {
    const rows = [];
    const missing = () => [el("span", { class: "absent", text: t("notFound") })];
    const ns = result.next_step;
    rows.push(
      ...detailRow(
        t("nextStep"),
        ns
          ? [
              `\u201c${ns.text}\u201d `,
              el("span", {
                class: "sub",
                text: `(${t("action")}: ${t("actions")[ns.action] || ns.action}; ${t("owner")}: ${
                  t("owners")[ns.owner] || ns.owner
                })`,
              }),
            ]
          : missing()
      )
    );
    const rs = result.reason;
    rows.push(
      ...detailRow(
        t("reason"),
        rs
          ? [`\u201c${rs.text}\u201d `, el("span", { class: "sub", text: `(${rs.clear ? t("clearReason") : t("genericReason")})` })]
          : missing()
      )
    );
    const wh = result.when;
    rows.push(
      ...detailRow(
        t("when"),
        wh
          ? [
              `\u201c${wh.text}\u201d `,
              el("span", {
                class: "sub",
                text: `(${wh.value ? wh.value.replace("T", " ") + ", " : ""}${t("granularity")[wh.granularity] || wh.granularity})`,
              }),
            ]
          : missing()
      )
    );
    return rows;
  }

  function render(result, text) {
    const verdict = ["concrete", "partial", "vague", "none"].includes(result.verdict) ? result.verdict : "none";
    const [word, sentence] = t("verdicts")[verdict];
    const scoreBox = $("score-value");
    scoreBox.className = `score v-${verdict}`;
    $("score-number").textContent = String(result.score);
    const v = $("verdict");
    v.className = `verdict v-${verdict}`;
    v.textContent = word;
    $("verdict-text").textContent = sentence;

    const parts = $("parts");
    const maxima = { next_step: 30, reason: 30, when: 40 };
    parts.replaceChildren(
      ...SPANS.map(([f, , label]) => {
        const got = (result.parts && result.parts[f]) || 0;
        const fill = el("span");
        fill.style.width = `${Math.round((100 * got) / maxima[f])}%`;
        fill.className = `fill-${f}`;
        return el("li", {}, [
          el("span", { text: t(label) }),
          el("span", { class: "bar", "aria-hidden": "true" }, [fill]),
          el("span", { class: "pts", text: `${got}/${maxima[f]}` }),
        ]);
      })
    );

    $("marked").replaceChildren(...markedNote(result, text));
    $("fields").replaceChildren(...fieldDetails(result));

    const gaps = $("gaps");
    const chips = [];
    for (const f of result.missing || []) {
      chips.push(el("span", { class: "chip missing", text: `${t("missing")}: ${t("fieldNames")[f] || f}` }));
    }
    for (const f of result.vague || []) {
      chips.push(el("span", { class: "chip vague", text: `${t("vague")}: ${t("fieldNames")[f] || f}` }));
    }
    if (!chips.length) chips.push(el("span", { class: "chip ok", text: t("allClear") }));
    gaps.replaceChildren(...chips);

    const questions = $("questions");
    const qs = result.questions || [];
    questions.replaceChildren(
      ...(qs.length ? qs.map((q) => el("li", { text: q })) : [el("li", { class: "none", text: t("noQuestions") })])
    );
    $("meta").textContent = `${t("model")} ${result.model_version} \u00b7 ${t("noteLanguage")}: ${result.language}`;

    $("placeholder").hidden = true;
    $("output").hidden = false;
  }

  function revealResult() {
    /* On a narrow screen the result sits below the form: bring it into view. */
    if (window.matchMedia("(max-width: 900px)").matches) {
      const smooth = window.matchMedia("(prefers-reduced-motion: no-preference)").matches;
      resultBox.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
    }
  }

  applyUi();
})();
