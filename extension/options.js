/* Klarsteg options: the server, the API key and the sites. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const serverInput = $("server-url");
  const keyInput = $("api-key");
  const serverStatus = $("server-status");
  const sitesStatus = $("sites-status");

  function say(node, text, kind) {
    node.textContent = text;
    node.dataset.kind = kind || "info";
  }

  async function load() {
    const cfg = await klarstegConfig();
    serverInput.value = cfg.serverUrl;
    keyInput.value = cfg.apiKey;
    renderSites(cfg);
  }

  /* ---------------------------------------------------------------- server */

  async function saveServer(server, granted) {
    if (!granted) {
      say(serverStatus, `Not saved: Klarsteg needs your permission to contact ${new URL(server).host}.`, "error");
      return;
    }
    const before = await klarstegConfig();
    await chrome.storage.local.set({ serverUrl: server, apiKey: keyInput.value.trim() });
    // Give back an optional permission only the previous server used.
    const old = klarstegNormalizeServer(before.serverUrl);
    const oldPattern = old && klarstegSitePattern(old);
    if (oldPattern && oldPattern !== klarstegSitePattern(server) && !before.extraSites.includes(oldPattern)) {
      chrome.permissions.remove({ origins: [oldPattern] }).catch(() => false);
    }
    serverInput.value = server;
    say(serverStatus, "Saved.", "ok");
  }

  $("server-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const server = klarstegNormalizeServer(serverInput.value);
    if (!server) {
      say(serverStatus, "Enter an http:// or https:// URL, such as http://127.0.0.1:8000.", "error");
      serverInput.focus();
      return;
    }
    const origins = [klarstegSitePattern(server)];
    // Requested straight from the click (a user gesture); Chrome only asks if it is not granted yet.
    chrome.permissions.request({ origins }).then(
      (granted) => saveServer(server, granted),
      () => saveServer(server, false),
    );
  });

  $("show-key").addEventListener("click", () => {
    const shown = keyInput.type === "text";
    keyInput.type = shown ? "password" : "text";
    $("show-key").textContent = shown ? "Show" : "Hide";
  });

  $("reset").addEventListener("click", async () => {
    await chrome.storage.local.set({ serverUrl: KLARSTEG_DEFAULTS.serverUrl, apiKey: "" });
    await load();
    say(serverStatus, "Server and key reset to the defaults.", "ok");
  });

  const FAILURES = {
    down: "Not reachable: is klarsteg serve running at this URL?",
    unauthorized: "The server refused the API key (401).",
    permission: "Klarsteg has no permission for this server: press Save.",
    bad_server: "The server URL is not valid.",
    busy: "The server is busy or still loading (503). Try again in a moment.",
    not_klarsteg: "This URL answers, but not as a Klarsteg server.",
  };

  $("test").addEventListener("click", async () => {
    say(serverStatus, "Testing the saved settings\u2026");
    const answer = await chrome.runtime.sendMessage({ type: "test" });
    if (answer && answer.ok) {
      say(serverStatus, `Connected: model ${answer.version || "?"} (${(answer.languages || []).join(", ")}).`, "ok");
    } else {
      const kind = answer ? answer.kind : "down";
      say(serverStatus, FAILURES[kind] || `The server answered with an error (${answer && answer.status}).`, "error");
    }
  });

  /* ---------------------------------------------------------------- sites */

  function renderSites(cfg) {
    const box = $("default-sites");
    box.querySelectorAll("label").forEach((n) => n.remove());
    for (const site of KLARSTEG_DEFAULT_SITES) {
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = !cfg.disabledDefaults.includes(site.id);
      input.dataset.site = site.id;
      input.addEventListener("change", async () => {
        const now = await klarstegConfig();
        const off = new Set(now.disabledDefaults);
        if (input.checked) off.delete(site.id);
        else off.add(site.id);
        await chrome.storage.local.set({ disabledDefaults: [...off] });
        say(sitesStatus, `${site.name}: ${input.checked ? "on" : "off"}.`, "ok");
      });
      const label = document.createElement("label");
      label.className = "check";
      const name = document.createElement("span");
      name.textContent = site.name;
      const patterns = document.createElement("small");
      patterns.textContent = site.patterns.map((p) => p.replace(/\/\*$/, "")).join("  ");
      name.append(document.createElement("br"), patterns);
      label.append(input, name);
      box.append(label);
    }
    const list = $("extra-sites");
    list.replaceChildren();
    if (!cfg.extraSites.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "None yet.";
      list.append(li);
    }
    for (const pattern of cfg.extraSites) {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = pattern.replace(/\/\*$/, "");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "ghost small";
      remove.textContent = "Remove";
      remove.addEventListener("click", async () => {
        const now = await klarstegConfig();
        await chrome.storage.local.set({ extraSites: now.extraSites.filter((p) => p !== pattern) });
        await chrome.permissions.remove({ origins: [pattern] }).catch(() => false);
        renderSites(await klarstegConfig());
        say(sitesStatus, `Removed ${name.textContent}.`, "ok");
      });
      li.append(name, remove);
      list.append(li);
    }
  }

  $("add-form").addEventListener("submit", (e) => {
    e.preventDefault();
    let value = $("add-site").value.trim();
    if (value && !/^https?:\/\//i.test(value)) value = "https://" + value;
    const pattern = klarstegSitePattern(value);
    if (!pattern) {
      say(sitesStatus, "Enter a site address, such as https://crm.example.com.", "error");
      return;
    }
    if (klarstegDefaultSite(value)) {
      say(sitesStatus, "That site is in the default list above.", "info");
      return;
    }
    chrome.permissions.request({ origins: [pattern] }).then(async (granted) => {
      if (!granted) {
        say(sitesStatus, "Not added: Chrome's permission was not granted.", "error");
        return;
      }
      await chrome.runtime.sendMessage({ type: "enableSite", pattern });
      $("add-site").value = "";
      renderSites(await klarstegConfig());
      say(sitesStatus, `Added ${pattern.replace(/\/\*$/, "")}.`, "ok");
    });
  });

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && (changes.extraSites || changes.disabledDefaults)) klarstegConfig().then(renderSites);
  });

  await load();
})();
