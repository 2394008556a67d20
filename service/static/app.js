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
      footer: "Notes are scored on this server and are not stored; only corrections you save are kept.",
      apiDocs: "API documentation",
      correctHeading: "Is something wrong?",
      correctOpen: "Correct this result",
      corrHelp:
        "Select words in the note with the mouse, or with Shift and the arrow keys, then press what they are. Or type the words in a field.",
      corrNoteLabel: "The note: select words in it",
      markAs: "Mark the selected words as:",
      markStep: "Next step",
      markReason: "Reason",
      markWhen: "When",
      marked: (field, words) => `Marked \u201c${words}\u201d as ${field}.`,
      selectFirst: "Select words in the note first.",
      notInNote: "Not in the note",
      phrase: "Words in the note",
      actionLabel: "Action",
      ownerLabel: "Who takes it",
      clarityLabel: "Purpose",
      granularityLabel: "Kind of date",
      valueLabel: "Date",
      granularityAuto: "As the words read",
      valueHint: {
        datetime: "2026-03-17T10:00", date: "2026-03-17", week: "2026-W12", month: "2026-03",
        quarter: "2026-Q2", year: "2027", fuzzy: "",
      },
      reading: (g, v) => `The words read as: ${g}${v ? " " + v : ""}.`,
      noReading: "No date can be read from these words: choose the kind of date and give it.",
      override: "Keep my date: the words are read wrongly",
      corrScore: (n, word, was) => `With your correction: ${n}/100, ${word} (the model said ${was}).`,
      corrProblems: "Fix this before saving:",
      corrSave: "Save the correction",
      saving: "Saving\u2026",
      cancel: "Cancel",
      saved: (id) => `Saved as correction ${id}. It is used the next time the model is retrained.`,
      corrFailed: "The correction was not saved.",
      needWords: (f) => `Mark or type the words of the ${f}, or tick \u201cNot in the note\u201d.`,
      needValue: "Give the date in the format shown.",
      dateDiffers:
        "The words read as another date than yours: fix the date, or tick \u201cKeep my date\u201d if the words are read wrongly.",
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
      footer: "Anteckningar bedöms på den här servern och sparas inte; bara rättningar du sparar behålls.",
      apiDocs: "API-dokumentation",
      correctHeading: "Blev något fel?",
      correctOpen: "Rätta resultatet",
      corrHelp:
        "Markera ord i anteckningen med musen, eller med Skift och piltangenterna, och tryck sedan på vad de är. Eller skriv orden i ett fält.",
      corrNoteLabel: "Anteckningen: markera ord i den",
      markAs: "Markera orden som:",
      markStep: "Nästa steg",
      markReason: "Varför",
      markWhen: "När",
      marked: (field, words) => `\u201d${words}\u201d markerat som ${field}.`,
      selectFirst: "Markera ord i anteckningen först.",
      notInNote: "Finns inte i anteckningen",
      phrase: "Ord i anteckningen",
      actionLabel: "Typ",
      ownerLabel: "Vem tar det",
      clarityLabel: "Syfte",
      granularityLabel: "Typ av datum",
      valueLabel: "Datum",
      granularityAuto: "Som orden läses",
      valueHint: {
        datetime: "2026-03-17T10:00", date: "2026-03-17", week: "2026-W12", month: "2026-03",
        quarter: "2026-Q2", year: "2027", fuzzy: "",
      },
      reading: (g, v) => `Orden läses som: ${g}${v ? " " + v : ""}.`,
      noReading: "Inget datum kan läsas ur orden: välj typ av datum och ange det.",
      override: "Behåll mitt datum: orden läses fel",
      corrScore: (n, word, was) => `Med din rättning: ${n}/100, ${word} (modellen sa ${was}).`,
      corrProblems: "Rätta detta innan du sparar:",
      corrSave: "Spara rättningen",
      saving: "Sparar\u2026",
      cancel: "Avbryt",
      saved: (id) => `Sparad som rättning ${id}. Den används nästa gång modellen tränas om.`,
      corrFailed: "Rättningen sparades inte.",
      needWords: (f) => `Markera eller skriv orden för ${f}, eller kryssa i \u201dFinns inte i anteckningen\u201d.`,
      needValue: "Ange datumet i formatet som visas.",
      dateDiffers:
        "Orden läses som ett annat datum än ditt: rätta datumet, eller kryssa i \u201dBehåll mitt datum\u201d om orden läses fel.",
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
  let lastDate = null;

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
    correction.relabel();
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
      lastDate = body.note_date || null;
      correction.reset();
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

  /* ------------------------------------------------------------------ correcting a result */

  /* After scoring, the person marks the right next step, reason and when in the note (select
     words, then press what they are; or type them), picks the action and owner, sees the score
     the correction gives (POST v1/corrections/preview: the SPEC's table, computed by the
     server) and saves it (POST v1/corrections). Offsets: the server speaks code points, the
     textarea UTF-16; spans are sent as text + occurrence, as in the training data. */
  const correction = (function () {
    const panel = $("correct-panel");
    const openButton = $("correct-open");
    const noteBox = $("corr-note");
    const status = $("corr-status");
    const markStatus = $("mark-status");
    const saveButton = $("corr-save");
    const gran = $("when-gran");
    const whenValue = $("when-value");
    const override = $("when-override");
    const ACTIONS = ["meeting", "demo", "call", "email", "send", "contact", "other"];
    const OWNERS = ["seller", "customer", "both", "unknown"];
    const GRANULARITIES = ["datetime", "date", "week", "month", "quarter", "year", "fuzzy"];
    const FIELDS = {
      next_step: { text: $("step-text"), none: $("step-none"), detail: $("step-detail") },
      reason: { text: $("reason-text"), none: $("reason-none"), detail: $("reason-detail") },
      when: { text: $("when-text"), none: $("when-none"), detail: $("when-detail") },
    };
    let timer = null;
    let sequence = 0;
    let lastPreview = null;

    function fill(select, values, label) {
      const current = select.value;
      select.replaceChildren(...values.map((v) => el("option", { value: v, text: label(v) })));
      if (current && values.includes(current)) select.value = current;
    }

    function relabel() {
      fill($("step-action"), ACTIONS, (a) => t("actions")[a]);
      fill($("step-owner"), OWNERS, (o) => t("owners")[o]);
      fill($("reason-clear"), ["true", "false"], (v) => (v === "true" ? t("clearReason") : t("genericReason")));
      fill(gran, ["auto", ...GRANULARITIES], (g) => (g === "auto" ? t("granularityAuto") : t("granularity")[g]));
      updateWhenInputs();
      if (lastPreview && !panel.hidden) showPreview(lastPreview);
    }

    /* ---- offsets */
    function utf16Index(text, cp) {
      return codePoints(text).slice(0, cp).join("").length;
    }
    function cpIndex(text, i) {
      return codePoints(text.slice(0, i)).length;
    }
    function occurrenceAt(text, phrase, start) {
      let n = 0;
      let pos = text.indexOf(phrase);
      while (pos !== -1 && pos <= start) {
        n += 1;
        pos = text.indexOf(phrase, pos + 1);
      }
      return Math.max(1, n);
    }
    function locate(text, phrase, occurrence) {
      if (!phrase) return null;
      let pos = -1;
      for (let i = 0; i < (occurrence || 1); i++) {
        pos = text.indexOf(phrase, pos + 1);
        if (pos < 0) return null;
      }
      return [pos, pos + phrase.length];
    }

    /* ---- the form */
    function setSpan(name, phrase, occurrence) {
      const f = FIELDS[name];
      f.text.value = phrase;
      f.text.dataset.occurrence = occurrence > 1 ? String(occurrence) : "";
      f.none.checked = false;
    }

    function updateWhenInputs() {
      const g = gran.value;
      whenValue.disabled = FIELDS.when.none.checked || FIELDS.next_step.none.checked || g === "auto" || g === "fuzzy";
      whenValue.placeholder = g && g !== "auto" ? t("valueHint")[g] || "" : "";
      if (g === "fuzzy") whenValue.value = "";
    }

    function syncDisabled() {
      const stepNone = FIELDS.next_step.none.checked;
      $("fs-reason").disabled = stepNone;
      $("fs-when").disabled = stepNone;
      for (const f of Object.values(FIELDS)) {
        for (const control of f.detail.querySelectorAll("input, select")) control.disabled = f.none.checked;
      }
      updateWhenInputs();
    }

    function prefill() {
      const r = lastResult;
      for (const [name, f] of Object.entries(FIELDS)) {
        const got = r[name];
        f.text.dataset.occurrence = "";
        if (!got) {
          f.text.value = "";
          f.none.checked = true;
          continue;
        }
        const start = utf16Index(lastText, got.start);
        const phrase = lastText.slice(start, utf16Index(lastText, got.end));
        if (phrase && phrase === got.text) setSpan(name, phrase, occurrenceAt(lastText, phrase, start));
        else setSpan(name, got.text, 1);
      }
      if (r.next_step) {
        $("step-action").value = r.next_step.action;
        $("step-owner").value = r.next_step.owner;
      }
      $("reason-clear").value = r.reason && !r.reason.clear ? "false" : "true";
      gran.value = "auto";
      whenValue.value = "";
      override.checked = false;
      $("when-override-row").hidden = true;
      syncDisabled();
    }

    function body() {
      const b = { text: lastText, language: lastResult.language, next_step: null, reason: null, when: null };
      if (lastDate) b.note_date = lastDate;
      const span = (f) => {
        const o = { text: f.text.value.trim() };
        const occurrence = parseInt(f.text.dataset.occurrence || "", 10);
        if (occurrence > 1) o.occurrence = occurrence;
        return o;
      };
      if (FIELDS.next_step.none.checked) return b;
      b.next_step = Object.assign(span(FIELDS.next_step), {
        action: $("step-action").value,
        owner: $("step-owner").value,
      });
      if (!FIELDS.reason.none.checked) {
        b.reason = Object.assign(span(FIELDS.reason), { clear: $("reason-clear").value === "true" });
      }
      if (!FIELDS.when.none.checked) {
        const w = span(FIELDS.when);
        if (gran.value !== "auto") {
          w.granularity = gran.value;
          w.value = gran.value === "fuzzy" ? null : whenValue.value.trim() || null;
        }
        b.when = w;
        if (override.checked) b.date_check = "override";
      }
      return b;
    }

    function localProblems() {
      const out = [];
      if (FIELDS.next_step.none.checked) return out;
      for (const [name, f] of Object.entries(FIELDS)) {
        if (f.none.checked) continue;
        if (!f.text.value.trim()) out.push(t("needWords")(t("fieldNames")[name]));
      }
      const g = gran.value;
      if (!FIELDS.when.none.checked && g !== "auto" && g !== "fuzzy" && !whenValue.value.trim()) {
        out.push(t("needValue"));
      }
      return out;
    }

    /* ---- talking to the service */
    async function call(path, payload) {
      const headers = { "Content-Type": "application/json", Accept: "application/json" };
      const key = safeGet(KEY_STORE);
      if (key) headers["X-API-Key"] = key;
      try {
        const response = await fetch(new URL(path, document.baseURI), {
          method: "POST",
          headers: headers,
          body: JSON.stringify(payload),
        });
        let data = null;
        try {
          data = await response.json();
        } catch (e) {
          data = null;
        }
        const detail = data && typeof data.detail === "string" ? data.detail : "";
        return { status: response.status, ok: response.ok, data: data, detail: detail };
      } catch (e) {
        return { status: 0, ok: false, data: null, detail: t("errors").network };
      }
    }

    function showProblems(messages) {
      const list = $("corr-problems");
      if (!messages.length) {
        list.replaceChildren();
        return;
      }
      list.replaceChildren(
        el("li", { class: "head", text: t("corrProblems") }),
        ...messages.map((m) => el("li", { text: m }))
      );
    }

    /* The service's messages, except the date check's, which the form answers with a checkbox. */
    function friendly(problems) {
      return problems.map((x) =>
        x.field === "when.value" && x.message.includes("date_check") ? t("dateDiffers") : x.message
      );
    }

    function spansOf(record) {
      const out = {};
      for (const name of Object.keys(FIELDS)) {
        const f = record[name];
        const at = f ? locate(lastText, f.text, f.occurrence) : null;
        out[name] = at ? { start: cpIndex(lastText, at[0]), end: cpIndex(lastText, at[1]) } : null;
      }
      return out;
    }

    function showPreview(p) {
      const verdict = p.score.verdict;
      const score = $("corr-score");
      score.className = `corr-score v-${verdict}`;
      score.textContent = t("corrScore")(p.score.score, t("verdicts")[verdict][0], lastResult.score);
      $("corr-marked").replaceChildren(...markedNote(spansOf(p.correction), lastText));
      showProblems(friendly(p.problems));
      const w = p.correction.when;
      const reading = $("when-reading");
      if (p.date_layer) {
        const g = t("granularity")[p.date_layer.granularity] || p.date_layer.granularity;
        reading.textContent = t("reading")(g, p.date_layer.value);
      } else {
        reading.textContent = w && !FIELDS.when.none.checked ? t("noReading") : "";
      }
      if (gran.value === "auto") whenValue.value = w && w.value ? w.value : "";
      const differs =
        p.date_layer && w && (w.granularity !== p.date_layer.granularity || w.value !== p.date_layer.value);
      $("when-override-row").hidden = !(differs || override.checked);
    }

    async function preview() {
      const mine = ++sequence;
      const local = localProblems();
      if (local.length) {
        showProblems(local);
        return;
      }
      const r = await call("v1/corrections/preview", body());
      if (mine !== sequence || panel.hidden) return; /* a newer preview is on its way */
      if (r.ok) {
        lastPreview = r.data;
        showPreview(r.data);
      } else if (r.status === 401) {
        keyBox.open = true;
        showProblems([t("errors").auth]);
      } else {
        showProblems([r.detail || `${t("corrFailed")} (${r.status})`]);
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(preview, 150);
    }

    async function save() {
      window.clearTimeout(timer);
      const local = localProblems();
      if (local.length) {
        showProblems(local);
        return;
      }
      saveButton.disabled = true;
      saveButton.textContent = t("saving");
      sequence += 1;
      try {
        const r = await call("v1/corrections", body());
        if (r.status === 201) {
          close();
          status.textContent = t("saved")(r.data.id);
          openButton.focus();
        } else if (r.status === 401) {
          keyBox.open = true;
          showProblems([t("errors").auth]);
        } else if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
          showProblems(friendly(r.data.errors));
        } else {
          showProblems([r.detail || `${t("corrFailed")} (${r.status})`]);
        }
      } finally {
        saveButton.disabled = false;
        saveButton.textContent = t("corrSave");
      }
    }

    /* ---- opening and closing */
    function open() {
      if (!lastResult) return;
      panel.hidden = false;
      openButton.setAttribute("aria-expanded", "true");
      status.textContent = "";
      markStatus.textContent = "";
      noteBox.value = lastText;
      prefill();
      schedule();
      noteBox.focus();
      noteBox.setSelectionRange(0, 0);
    }

    function close() {
      panel.hidden = true;
      openButton.setAttribute("aria-expanded", "false");
      window.clearTimeout(timer);
      sequence += 1;
    }

    function reset() {
      close();
      status.textContent = "";
      lastPreview = null;
      $("corr-score").textContent = "";
      $("corr-marked").replaceChildren();
      showProblems([]);
    }

    function mark(name) {
      const a = noteBox.selectionStart;
      const b = noteBox.selectionEnd;
      const raw = noteBox.value.slice(a, b);
      const phrase = raw.trim();
      if (!phrase) {
        markStatus.textContent = t("selectFirst");
        noteBox.focus();
        return;
      }
      const start = a + (raw.length - raw.trimStart().length);
      setSpan(name, phrase, occurrenceAt(noteBox.value, phrase, start));
      if (name !== "next_step" && FIELDS.next_step.none.checked) {
        FIELDS.next_step.none.checked = false;
        FIELDS.next_step.text.value = "";
      }
      if (name === "when") {
        gran.value = "auto";
        override.checked = false;
      }
      markStatus.textContent = t("marked")(t("fieldNames")[name], phrase);
      syncDisabled();
      schedule();
    }

    /* The note is for selecting, not editing. Not `readonly`: a read-only text area gets no
       caret, so a keyboard could not select in it (Shift + arrows). */
    noteBox.addEventListener("beforeinput", (ev) => ev.preventDefault());
    noteBox.addEventListener("input", () => {
      if (noteBox.value !== lastText) noteBox.value = lastText;
    });
    openButton.addEventListener("click", () => (panel.hidden ? open() : close()));
    $("corr-cancel").addEventListener("click", () => {
      close();
      openButton.focus();
    });
    panel.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        close();
        openButton.focus();
      }
    });
    panel.addEventListener("submit", (ev) => {
      ev.preventDefault();
      save();
    });
    $("mark-step").addEventListener("click", () => mark("next_step"));
    $("mark-reason").addEventListener("click", () => mark("reason"));
    $("mark-when").addEventListener("click", () => mark("when"));
    for (const f of Object.values(FIELDS)) {
      f.text.addEventListener("input", () => {
        f.text.dataset.occurrence = "";
        schedule();
      });
      f.none.addEventListener("change", () => {
        syncDisabled();
        schedule();
      });
    }
    for (const id of ["step-action", "step-owner", "reason-clear"]) $(id).addEventListener("change", schedule);
    gran.addEventListener("change", () => {
      const w = lastPreview && lastPreview.correction.when;
      if (gran.value !== "auto" && w && w.granularity === gran.value && !whenValue.value) whenValue.value = w.value || "";
      updateWhenInputs();
      schedule();
    });
    whenValue.addEventListener("input", schedule);
    override.addEventListener("change", schedule);

    return { reset: reset, relabel: relabel };
  })();

  applyUi();
})();
