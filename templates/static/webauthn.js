// Gatehouse WebAuthn buttons. A button with data-webauthn="register" | "second-factor" | "passwordless"
// fetches options from the server, asks the browser's authenticator, and posts the answer back; "confirm" (the
// caller-verification prompt) puts the answer into the form's field named by data-target instead, for the form's
// own submit to carry.
// Challenges live on the server; this script only converts between JSON and ArrayBuffers.
"use strict";
(function () {
  const endpoints = {
    register: ["/account/security/webauthn/options", "/account/security/webauthn/register", "create"],
    "second-factor": ["/login/factor/webauthn/options", "/login/factor/webauthn", "get"],
    passwordless: ["/login/passkey/options", "/login/passkey", "get"],
    confirm: ["/recovery/verify/webauthn/options", null, "get"],
  };

  function decode(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  }

  function encode(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(options) {
    const pk = options.publicKey;
    pk.challenge = decode(pk.challenge);
    pk.user.id = decode(pk.user.id);
    (pk.excludeCredentials || []).forEach((c) => (c.id = decode(c.id)));
    return { publicKey: pk };
  }

  function requestOptions(options) {
    const pk = options.publicKey;
    pk.challenge = decode(pk.challenge);
    (pk.allowCredentials || []).forEach((c) => (c.id = decode(c.id)));
    return { publicKey: pk };
  }

  function credentialJson(credential) {
    const r = credential.response;
    const response = { clientDataJSON: encode(r.clientDataJSON) };
    if (r.attestationObject) response.attestationObject = encode(r.attestationObject);
    if (r.authenticatorData) response.authenticatorData = encode(r.authenticatorData);
    if (r.signature) response.signature = encode(r.signature);
    if (r.userHandle) response.userHandle = encode(r.userHandle);
    return {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: credential.type,
      response: response,
      extensions: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
  }

  async function post(url, body) {
    const reply = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await reply.json().catch(() => ({}));
    if (!reply.ok) {
      // The page says "the request failed" in its own language (data-failed); English if it does not.
      const failed = document.getElementById("webauthn-status")?.dataset.failed || "The request failed.";
      const error = new Error(data.detail || data.error || failed);
      error.reauth = data.reauth;
      throw error;
    }
    return data;
  }

  async function run(button) {
    const [optionsUrl, finishUrl, ceremony] = endpoints[button.dataset.webauthn];
    const status = document.getElementById("webauthn-status");
    const csrf = button.dataset.csrf;
    const returnTo = button.dataset.returnTo || null;
    button.disabled = true;
    try {
      const options = await post(optionsUrl, { csrf: csrf, token: button.dataset.token });
      const credential =
        ceremony === "create"
          ? await navigator.credentials.create(creationOptions(options))
          : await navigator.credentials.get(requestOptions(options));
      if (!finishUrl) {
        document.getElementById(button.dataset.target).value = JSON.stringify(credentialJson(credential));
        if (status) status.textContent = status.dataset.done || "";
        return;
      }
      const nameInput = document.getElementById("webauthn-name");
      const trustBox = document.getElementById("trust");
      const result = await post(finishUrl, {
        csrf: csrf,
        credential: credentialJson(credential),
        name: nameInput ? nameInput.value : null,
        return_to: returnTo,
        trust: trustBox ? trustBox.checked : false,
      });
      window.location.assign(result.redirect || "/account");
    } catch (error) {
      if (error.reauth) {
        window.location.assign(error.reauth);
        return;
      }
      if (status) status.textContent = error.message || String(error);
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const supported = !!(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll("[data-webauthn]").forEach(function (button) {
      if (!supported) {
        button.disabled = true;
        return;
      }
      button.addEventListener("click", function (event) {
        event.preventDefault();
        run(button);
      });
    });
  });
})();
