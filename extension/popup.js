/* Klarsteg popup: turns Klarsteg on or off for the site of the current tab. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const toggle = $("toggle");
  const hint = $("hint");
  $("open-options").addEventListener("click", (e) => {
    e.preventDefault();
    chrome.runtime.openOptionsPage();
    window.close();
  });

  const cfg = await klarstegConfig();
  $("server").textContent = cfg.serverUrl;
  // The popup opened from the toolbar has activeTab, so the tab's URL is readable.
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const url = tab && tab.url ? tab.url : "";
  const pattern = klarstegSitePattern(url);
  if (!pattern) {
    $("site").textContent = "This page";
    toggle.disabled = true;
    hint.textContent = "Klarsteg works on web pages (http and https).";
    return;
  }
  const host = new URL(url).hostname;
  $("site").textContent = host;
  const site = klarstegDefaultSite(url);

  async function isOn() {
    const now = await klarstegConfig();
    if (site) return !now.disabledDefaults.includes(site.id);
    return now.extraSites.includes(pattern) && (await chrome.permissions.contains({ origins: [pattern] }));
  }

  function describe(on) {
    toggle.checked = on;
    if (site) {
      hint.textContent = on
        ? `On by default (${site.name}). Notes typed here are sent to your Klarsteg server only.`
        : `Off: you turned off ${site.name}.`;
    } else {
      hint.textContent = on
        ? "On: Klarsteg scores notes you write on this site."
        : "Off. Turning it on asks Chrome for access to this site only.";
    }
  }

  describe(await isOn());

  toggle.addEventListener("change", () => {
    if (toggle.checked) {
      if (site) {
        klarstegConfig()
          .then((now) =>
            chrome.storage.local.set({ disabledDefaults: now.disabledDefaults.filter((id) => id !== site.id) }),
          )
          .then(isOn)
          .then(describe);
        return;
      }
      // Called straight from the click (a user gesture), before anything is awaited.
      chrome.storage.local.set({ pendingSite: { pattern, tabId: tab.id } });
      chrome.permissions.request({ origins: [pattern] }).then(
        async (granted) => {
          if (granted) await chrome.runtime.sendMessage({ type: "enableSite", pattern, tabId: tab.id });
          else await chrome.storage.local.remove("pendingSite");
          describe(await isOn());
        },
        async () => describe(await isOn()),
      );
      return;
    }
    (async () => {
      const now = await klarstegConfig();
      if (site) {
        if (!now.disabledDefaults.includes(site.id)) {
          await chrome.storage.local.set({ disabledDefaults: [...now.disabledDefaults, site.id] });
        }
      } else {
        await chrome.storage.local.set({ extraSites: now.extraSites.filter((p) => p !== pattern) });
        await chrome.permissions.remove({ origins: [pattern] }).catch(() => false);
      }
      describe(await isOn());
    })();
  });
})();
