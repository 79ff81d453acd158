/*
 * Dial embed loader. A host page includes
 *   <script src="{dial}/embed.js" data-workspace="demo" data-form="newsletter" async></script>
 * (optional data-email, data-phone, data-locale: prefill only). It mounts Dial's form in an
 * iframe right after the tag, answers the frame's handshake (which lets the frame learn this
 * page's origin from the browser, not from an attribute), keeps the iframe as tall as its
 * content, and relays the frame's dial:* messages as DOM events on the iframe, bubbling to
 * window. window.Dial.form(slug) gives the host setEmail, setPhone, submit and on.
 * Plain ES2019, no dependencies, no build step.
 */
(() => {
  const RELAYED = ['dial:ready', 'dial:resize', 'dial:subscribed', 'dial:error'];
  const MAX_HEIGHT = 5000;

  // One registry per page, shared by every copy of this script that runs on it.
  if (!window.Dial) {
    window.Dial = {
      forms: [],
      form(slug) {
        for (const controller of this.forms) if (controller.form === slug) return controller;
        return undefined;
      },
    };
  }
  const Dial = window.Dial;

  function place(script, iframe) {
    const parent = script.parentNode;
    if (parent && parent !== document.head && parent !== document.documentElement) {
      parent.insertBefore(iframe, script.nextSibling);
    } else if (document.body) {
      document.body.appendChild(iframe);
    } else {
      document.addEventListener('DOMContentLoaded', () => document.body.appendChild(iframe));
    }
  }

  function mount(script) {
    script.setAttribute('data-dial-mounted', '');
    const data = script.dataset;
    const workspace = data.workspace;
    const form = data.form;
    if (!workspace || !form) return;
    const dialOrigin = new URL(script.src, location.href).origin;
    const url = new URL(
      `/embed/${encodeURIComponent(workspace)}/${encodeURIComponent(form)}`,
      dialOrigin,
    );
    for (const key of ['email', 'phone', 'locale']) {
      if (data[key]) url.searchParams.set(key, data[key]);
    }

    const iframe = document.createElement('iframe');
    iframe.setAttribute('title', 'Sign-up form');
    iframe.setAttribute('loading', 'eager');
    iframe.setAttribute('style', 'width:100%;border:0;display:block;overflow:hidden;height:0');
    iframe.src = url.href;

    const listeners = {};
    let pending = [];
    let queue = [];
    let ready = false;

    function send(message) {
      if (!ready || !iframe.contentWindow) {
        queue.push(message);
        return;
      }
      iframe.contentWindow.postMessage(message, dialOrigin);
      // Later commands wait for the page the submit leads to.
      if (message.type === 'dial:submit') ready = false;
    }

    function flush() {
      ready = true;
      const queued = queue;
      queue = [];
      for (const message of queued) send(message);
    }

    function settle(type, detail) {
      const waiting = pending;
      pending = [];
      for (const promise of waiting) {
        if (type === 'dial:subscribed') {
          promise.resolve(detail);
        } else {
          const error = new Error(detail.message || 'The form could not be submitted.');
          error.detail = detail;
          promise.reject(error);
        }
      }
    }

    function relay(type, detail) {
      const event = new CustomEvent(type, { detail, bubbles: true });
      // A connected iframe's bubbling event also reaches window, exactly once.
      if (iframe.isConnected) iframe.dispatchEvent(event);
      else window.dispatchEvent(event);
      for (const callback of (listeners[type] || []).slice()) {
        try {
          callback(detail);
        } catch (error) {
          // The host's bug is reported, and does not stop the protocol.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }

    window.addEventListener('message', (event) => {
      const message = event.data;
      if (
        event.source !== iframe.contentWindow ||
        event.origin !== dialOrigin ||
        !message ||
        typeof message !== 'object' ||
        typeof message.type !== 'string' ||
        message.type.indexOf('dial:') !== 0
      ) {
        return;
      }
      const type = message.type;
      if (type === 'dial:hello') {
        // A new page loaded in the frame (the form, or the result after a submit).
        ready = false;
        iframe.contentWindow.postMessage({ type: 'dial:handshake' }, dialOrigin);
        return;
      }
      if (RELAYED.indexOf(type) < 0) return;
      const detail = { workspace, form };
      for (const key of Object.keys(message)) if (key !== 'type') detail[key] = message[key];
      if (type === 'dial:resize') {
        const height = Number(message.height);
        if (Number.isFinite(height)) {
          iframe.style.height = `${Math.min(MAX_HEIGHT, Math.max(0, Math.ceil(height)))}px`;
        }
      }
      if (type === 'dial:subscribed' || type === 'dial:error') settle(type, detail);
      relay(type, detail);
      // After a submit the frame answers either with a new page (hello, then ready) or, when
      // the form was not sent at all, with an error on the same page: both make it ready.
      if (type === 'dial:ready' || type === 'dial:error') flush();
    });

    const controller = {
      workspace,
      form,
      iframe,
      setEmail(value) {
        send({ type: 'dial:set', email: value == null ? '' : String(value) });
      },
      setPhone(value) {
        send({ type: 'dial:set', phone: value == null ? '' : String(value) });
      },
      submit() {
        return new Promise((resolve, reject) => {
          pending.push({ resolve, reject });
          send({ type: 'dial:submit' });
        });
      },
      on(type, callback) {
        const name = type.indexOf('dial:') === 0 ? type : `dial:${type}`;
        listeners[name] = (listeners[name] || []).concat(callback);
        return () => {
          listeners[name] = listeners[name].filter((other) => other !== callback);
        };
      },
    };
    Dial.forms.push(controller);
    place(script, iframe);
  }

  const current = document.currentScript;
  const scripts = current
    ? [current]
    : document.querySelectorAll('script[src$="/embed.js"][data-form]');
  for (const script of scripts) {
    if (!script.hasAttribute('data-dial-mounted')) mount(script);
  }
})();
