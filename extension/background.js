/* Klarsteg service worker: the only part of the extension that talks to the Klarsteg server.

   Content scripts send it {type: "score", text, note_date}; it posts that to the configured
   server's /v1/score (with X-API-Key when a key is set) and answers with the result or a
   short description of the failure. It keeps no note text: not in storage, not in logs. */
"use strict";

importScripts("common.js");

const EXTRA_SCRIPT_ID = "klarsteg-extra-sites";
const REQUEST_TIMEOUT_MS = 15000;
const NOTE_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/* ------------------------------------------------------------------ set-up */

async function init() {
  // Settings hold the API key: keep them away from content scripts (Chrome 102+ for session,
  // newer for local); content scripts ask this worker instead.
  try {
    await chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
  } catch (e) {
    /* older Chrome: local storage stays readable by content scripts; nothing secret but the key */
  }
  await syncExtraSites();
}

chrome.runtime.onInstalled.addListener(() => {
  init();
});
chrome.runtime.onStartup.addListener(() => {
  init();
});

/* Register the content script for the sites the user added (with their granted permissions).
   Calls are chained so that two quick changes never race on the script id. */
let syncing = Promise.resolve();
function syncExtraSites() {
  syncing = syncing.then(doSyncExtraSites, doSyncExtraSites);
  return syncing;
}

async function doSyncExtraSites() {
  const cfg = await klarstegConfig();
  const granted = new Set((await chrome.permissions.getAll()).origins || []);
  const matches = cfg.extraSites.filter((p) => granted.has(p));
  try {
    const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [EXTRA_SCRIPT_ID] });
    if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [EXTRA_SCRIPT_ID] });
    if (matches.length) {
      await chrome.scripting.registerContentScripts([
        {
          id: EXTRA_SCRIPT_ID,
          matches: matches,
          js: ["content.js"],
          allFrames: true,
          matchOriginAsFallback: true,
          runAt: "document_idle",
          persistAcrossSessions: true,
        },
      ]);
    }
  } catch (e) {
    /* a pattern Chrome refuses: the site stays off */
  }
}

/* Tell every tab's content scripts that the settings changed, so they turn on or off. */
async function notifyTabs() {
  let tabs = [];
  try {
    tabs = await chrome.tabs.query({});
  } catch (e) {
    return;
  }
  for (const tab of tabs) {
    if (tab.id === undefined || tab.id < 0) continue;
    chrome.tabs.sendMessage(tab.id, { type: "config" }).catch(() => {});
  }
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  if (changes.extraSites) syncExtraSites();
  notifyTabs();
});

/* A permission granted from the popup: the popup may close while Chrome shows its prompt, so
   the worker finishes turning the site on (the popup noted which site in `pendingSite`). */
chrome.permissions.onAdded.addListener(async (perms) => {
  const { pendingSite } = await chrome.storage.local.get("pendingSite");
  if (!pendingSite || !(perms.origins || []).includes(pendingSite.pattern)) return;
  await chrome.storage.local.remove("pendingSite");
  await enableSite(pendingSite.pattern, pendingSite.tabId);
});

chrome.permissions.onRemoved.addListener(async (perms) => {
  const removed = new Set(perms.origins || []);
  const cfg = await klarstegConfig();
  const kept = cfg.extraSites.filter((p) => !removed.has(p));
  if (kept.length !== cfg.extraSites.length) await chrome.storage.local.set({ extraSites: kept });
});

async function enableSite(pattern, tabId) {
  const cfg = await klarstegConfig();
  if (!cfg.extraSites.includes(pattern)) {
    await chrome.storage.local.set({ extraSites: [...cfg.extraSites, pattern] });
  }
  await syncExtraSites();
  if (typeof tabId === "number") {
    // Start on the open page at once, without a reload (content.js ignores a second injection).
    await chrome.scripting
      .executeScript({ target: { tabId: tabId, allFrames: true }, files: ["content.js"] })
      .catch(() => {});
  }
}

/* ------------------------------------------------------------------ sites */

function senderUrl(sender) {
  if (sender.origin && sender.origin !== "null") return sender.origin + "/";
  return sender.url || "";
}

/* Is Klarsteg on for this page's site? */
async function siteActive(url, cfg) {
  if (!klarstegSitePattern(url)) return false;
  const site = klarstegDefaultSite(url);
  if (site) return !cfg.disabledDefaults.includes(site.id);
  const pattern = cfg.extraSites.find((p) => klarstegPatternMatches(p, url));
  if (!pattern) return false;
  return chrome.permissions.contains({ origins: [pattern] });
}

function serverLabel(server) {
  try {
    return new URL(server).host;
  } catch (e) {
    return String(server);
  }
}

/* ------------------------------------------------------------------ scoring */

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, (when - Date.now()) / 1000);
}

function failureKind(status) {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 413) return "too_long";
  if (status === 422 || status === 400 || status === 415) return "rejected";
  if (status === 503 || status === 429) return "busy";
  if (status === 404 || status === 405) return "not_klarsteg";
  return "server_error";
}

/* Only the fields the panel shows travel back to the page. */
function slimResult(r) {
  const span = (s, extra) =>
    s && typeof s === "object"
      ? Object.assign({ text: s.text, start: s.start, end: s.end }, ...extra.map((k) => ({ [k]: s[k] })))
      : null;
  return {
    score: r.score,
    verdict: r.verdict,
    language: r.language,
    missing: Array.isArray(r.missing) ? r.missing : [],
    vague: Array.isArray(r.vague) ? r.vague : [],
    questions: Array.isArray(r.questions) ? r.questions : [],
    next_step: span(r.next_step, ["action", "owner"]),
    reason: span(r.reason, ["clear"]),
    when: span(r.when, ["granularity", "value", "has_time"]),
  };
}

async function postJson(server, path, body, apiKey) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (apiKey) headers["X-API-Key"] = apiKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(server + path, {
      method: body === undefined ? "GET" : "POST",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      redirect: "error",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

async function score(msg, sender) {
  const cfg = await klarstegConfig();
  const server = klarstegNormalizeServer(cfg.serverUrl);
  const label = server ? serverLabel(server) : String(cfg.serverUrl);
  if (!(await siteActive(senderUrl(sender), cfg))) return { ok: false, kind: "off", server: label };
  if (typeof msg.text !== "string" || !msg.text.trim()) return { ok: false, kind: "rejected", server: label };
  if (!server) return { ok: false, kind: "bad_server", server: label };
  const pattern = klarstegSitePattern(server);
  if (!(await chrome.permissions.contains({ origins: [pattern] }))) {
    return { ok: false, kind: "permission", server: label };
  }
  const body = { text: msg.text, language: "auto" };
  if (typeof msg.note_date === "string" && NOTE_DATE_RE.test(msg.note_date)) body.note_date = msg.note_date;
  let res;
  try {
    res = await postJson(server, "/v1/score", body, cfg.apiKey);
  } catch (e) {
    return { ok: false, kind: e && e.name === "AbortError" ? "timeout" : "down", server: label };
  }
  if (res.ok) {
    try {
      const result = await res.json();
      if (typeof result.score !== "number") throw new Error("not a score");
      return { ok: true, result: slimResult(result), server: label };
    } catch (e) {
      return { ok: false, kind: "not_klarsteg", status: res.status, server: label };
    }
  }
  let detail = "";
  try {
    const payload = await res.json();
    if (payload && typeof payload.detail === "string") detail = payload.detail.slice(0, 160);
  } catch (e) {
    /* not JSON */
  }
  return {
    ok: false,
    kind: failureKind(res.status),
    status: res.status,
    retryAfter: parseRetryAfter(res.headers.get("Retry-After")),
    detail: detail,
    server: label,
  };
}

/* The options page's "Test connection": readiness, then the key, with a note of our own. */
async function testConnection() {
  const cfg = await klarstegConfig();
  const server = klarstegNormalizeServer(cfg.serverUrl);
  if (!server) return { ok: false, kind: "bad_server" };
  if (!(await chrome.permissions.contains({ origins: [klarstegSitePattern(server)] }))) {
    return { ok: false, kind: "permission" };
  }
  try {
    const res = await postJson(server, "/v1/info", undefined, cfg.apiKey);
    if (!res.ok) {
      return { ok: false, kind: failureKind(res.status), status: res.status };
    }
    const info = await res.json();
    return { ok: true, version: String(info.model_version || ""), languages: info.languages || [] };
  } catch (e) {
    return { ok: false, kind: "down" };
  }
}

function fromExtensionPage(sender) {
  return typeof sender.url === "string" && sender.url.startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || typeof msg.type !== "string") return false;
  const page = fromExtensionPage(sender);
  if (msg.type === "status") {
    klarstegConfig()
      .then(async (cfg) => {
        const server = klarstegNormalizeServer(cfg.serverUrl);
        return { active: await siteActive(senderUrl(sender), cfg), server: server ? serverLabel(server) : "" };
      })
      .then(sendResponse, () => sendResponse({ active: false }));
    return true;
  }
  if (msg.type === "score" && sender.tab && !page) {
    score(msg, sender).then(sendResponse, () => sendResponse({ ok: false, kind: "down" }));
    return true;
  }
  if (msg.type === "test" && page) {
    testConnection().then(sendResponse);
    return true;
  }
  if (msg.type === "enableSite" && page && typeof msg.pattern === "string") {
    chrome.storage.local
      .remove("pendingSite")
      .then(() => enableSite(msg.pattern, msg.tabId))
      .then(() => sendResponse({ ok: true }), () => sendResponse({ ok: false }));
    return true;
  }
  return false;
});
