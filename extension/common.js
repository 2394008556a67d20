/* Klarsteg extension: settings and site rules shared by the service worker, the options page
   and the popup. No note text is ever stored: only the server URL, the API key and the sites. */
"use strict";

/* The sites Klarsteg is on by default. They are the extension's only install-time host
   permissions (manifest.json lists the same patterns); any other site is added at runtime
   through an optional host permission the user grants from the popup or the options page. */
const KLARSTEG_DEFAULT_SITES = [
  { id: "local", name: "This computer (localhost, 127.0.0.1)", patterns: ["http://localhost/*", "http://127.0.0.1/*"] },
  { id: "hubspot", name: "HubSpot", patterns: ["https://app.hubspot.com/*", "https://app-eu1.hubspot.com/*"] },
  { id: "pipedrive", name: "Pipedrive", patterns: ["https://*.pipedrive.com/*"] },
  {
    id: "salesforce",
    name: "Salesforce (Lightning and Classic)",
    patterns: ["https://*.lightning.force.com/*", "https://*.my.salesforce.com/*"],
  },
  { id: "dynamics", name: "Microsoft Dynamics 365", patterns: ["https://*.dynamics.com/*"] },
  { id: "lime", name: "Lime CRM (cloud)", patterns: ["https://*.lime-crm.com/*"] },
  { id: "upsales", name: "Upsales", patterns: ["https://power.upsales.com/*"] },
  { id: "superoffice", name: "SuperOffice CRM Online", patterns: ["https://*.superoffice.com/*"] },
];

const KLARSTEG_DEFAULTS = Object.freeze({
  serverUrl: "http://127.0.0.1:8000",
  apiKey: "",
  disabledDefaults: [], // ids of default sites the user turned off
  extraSites: [], // match patterns ("https://crm.example.com/*") the user turned on
});

/* The settings, with defaults for anything not set. */
async function klarstegConfig() {
  const stored = await chrome.storage.local.get(["serverUrl", "apiKey", "disabledDefaults", "extraSites"]);
  return {
    serverUrl: typeof stored.serverUrl === "string" && stored.serverUrl ? stored.serverUrl : KLARSTEG_DEFAULTS.serverUrl,
    apiKey: typeof stored.apiKey === "string" ? stored.apiKey : "",
    disabledDefaults: Array.isArray(stored.disabledDefaults) ? stored.disabledDefaults : [],
    extraSites: Array.isArray(stored.extraSites) ? stored.extraSites : [],
  };
}

/* "https://crm.example.com/app" -> "https://crm.example.com/*" (ports are not part of a pattern:
   a pattern without a port matches every port). Null for anything but http(s). */
function klarstegSitePattern(url) {
  let u;
  try {
    u = new URL(url);
  } catch (e) {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  return `${u.protocol}//${u.hostname}/*`;
}

/* Does the match pattern (scheme://host/*, host may start with "*.") cover the URL's origin? */
function klarstegPatternMatches(pattern, url) {
  const m = /^(\*|https?):\/\/(\*|\*\.[^/*]+|[^/*]+)\/.*$/.exec(pattern);
  if (!m) return false;
  let u;
  try {
    u = new URL(url);
  } catch (e) {
    return false;
  }
  const scheme = u.protocol.slice(0, -1);
  if (m[1] === "*" ? scheme !== "http" && scheme !== "https" : scheme !== m[1]) return false;
  const host = u.hostname;
  if (m[2] === "*") return true;
  if (m[2].startsWith("*.")) {
    const base = m[2].slice(2);
    return host === base || host.endsWith("." + base);
  }
  return host === m[2];
}

/* The default site group that covers the URL, or null. */
function klarstegDefaultSite(url) {
  return KLARSTEG_DEFAULT_SITES.find((s) => s.patterns.some((p) => klarstegPatternMatches(p, url))) || null;
}

/* The server URL as the user typed it, checked and without a trailing slash; null if invalid. */
function klarstegNormalizeServer(value) {
  let u;
  try {
    u = new URL(String(value || "").trim());
  } catch (e) {
    return null;
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || u.username || u.password || u.search || u.hash) {
    return null;
  }
  return (u.origin + u.pathname).replace(/\/+$/, "");
}
