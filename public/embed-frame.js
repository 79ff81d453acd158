/*
 * Dial embed, inside the iframe. Included by the embed pages as
 *   <script src="/embed-frame.js" data-allowed='["https://shop.example"]' async></script>
 * (the result page adds data-result or data-error, JSON). It says hello to the parent, takes
 * the parent's origin from the browser (event.origin of the loader's handshake), and talks to
 * that origin only if the form allows it: then it writes the origin into every
 * input[name="embed_origin"] (the server keeps it as evidence), reports ready, the result and
 * the page height, and accepts dial:set and dial:submit. A parent that is not allowed gets
 * nothing more. Plain ES2019, no dependencies, no build step.
 */
(() => {
  const doc = document;
  const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:@[\]\s]+)(?::(\d+|\*))?\/?$/;
  const LABELS = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

  function parseOrigin(value) {
    const match = ORIGIN.exec(String(value).trim().toLowerCase());
    if (!match) return null;
    const scheme = match[1];
    let port = match[3] || '';
    if ((scheme === 'https' && port === '443') || (scheme === 'http' && port === '80')) port = '';
    return { scheme, host: match[2], port };
  }

  /**
   * Whether `origin` (as the browser reports it) matches one of `patterns`: an exact origin,
   * `scheme://host:*` (any port, the default one included) or `scheme://*.domain` (one or more
   * subdomain labels, never the domain itself). Nothing else is a wildcard; a bare `*` matches
   * nothing.
   */
  function originAllowed(origin, patterns) {
    const actual = parseOrigin(origin);
    if (!actual || actual.port === '*' || actual.host.indexOf('*') >= 0) return false;
    if (!Array.isArray(patterns)) return false;
    return patterns.some((pattern) => {
      const allowed = typeof pattern === 'string' ? parseOrigin(pattern) : null;
      if (!allowed || allowed.scheme !== actual.scheme) return false;
      if (allowed.port !== '*' && allowed.port !== actual.port) return false;
      if (allowed.host.indexOf('*.') === 0) {
        const domain = allowed.host.slice(1);
        const labels = actual.host.slice(0, -domain.length);
        return (
          domain.indexOf('*') < 0 &&
          actual.host.length > domain.length &&
          actual.host.slice(-domain.length) === domain &&
          LABELS.test(labels)
        );
      }
      return allowed.host.indexOf('*') < 0 && allowed.host === actual.host;
    });
  }

  function json(text) {
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (_error) {
      return null;
    }
  }

  if (window.parent === window) {
    // Not framed: the page works as a plain form. The matcher is exposed for its unit test.
    window.__dialOriginAllowed = originAllowed;
    return;
  }

  const script = doc.currentScript || doc.querySelector('script[src$="/embed-frame.js"]');
  const attribute = (name) => (script ? script.getAttribute(name) : null);
  const allowed = json(attribute('data-allowed'));
  const result = json(attribute('data-result'));
  const failure = json(attribute('data-error'));
  let verifiedOrigin = null;
  let refused = false;
  let lastHeight = -1;
  let sent = false;

  function post(message) {
    if (verifiedOrigin) window.parent.postMessage(message, verifiedOrigin);
  }

  function resize(always) {
    if (!verifiedOrigin) return;
    const height = Math.ceil(doc.documentElement.getBoundingClientRect().height);
    if (always || height !== lastHeight) {
      lastHeight = height;
      post({ type: 'dial:resize', height });
    }
  }

  function form() {
    return doc.querySelector('form[data-dial-form]');
  }

  function setField(name, value) {
    if (typeof value !== 'string') return;
    const scope = form() || doc;
    const input = scope.querySelector(`input[name="${name}"]`);
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function submit() {
    const target = form();
    if (!target) {
      post({ type: 'dial:error', code: 'no_form', message: 'There is no form to submit.' });
      return;
    }
    if (!target.noValidate && !target.checkValidity()) {
      // The browser would refuse to send it: show why, and tell the host instead of hanging.
      // (A form marked novalidate is checked by the server, which answers with data-error.)
      target.reportValidity();
      post({ type: 'dial:error', code: 'invalid', message: 'Please check the form.' });
      return;
    }
    // Once sent, this page is on its way out: a second submit would only race the first.
    if (sent) return;
    sent = true;
    // Through the prototype: a field named "submit" would shadow the form's own methods.
    const proto = HTMLFormElement.prototype;
    if (proto.requestSubmit) proto.requestSubmit.call(target);
    else proto.submit.call(target);
  }

  function handshake(origin) {
    if (!originAllowed(origin, allowed)) {
      refused = true;
      return;
    }
    verifiedOrigin = origin;
    for (const input of doc.querySelectorAll('input[name="embed_origin"]')) input.value = origin;
    post({ type: 'dial:ready' });
    resize(true);
    if (result && typeof result === 'object') {
      post(Object.assign({}, result, { type: 'dial:subscribed' }));
    }
    if (failure && typeof failure === 'object') {
      post(Object.assign({}, failure, { type: 'dial:error' }));
    }
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (refused || event.source !== window.parent || !message || typeof message !== 'object') {
      return;
    }
    if (!verifiedOrigin) {
      if (message.type === 'dial:handshake') handshake(event.origin);
      return;
    }
    if (event.origin !== verifiedOrigin) return;
    if (message.type === 'dial:set') {
      setField('email', message.email);
      setField('phone', message.phone);
    } else if (message.type === 'dial:submit') {
      submit();
    }
  });

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => resize(false)).observe(doc.documentElement);
  } else {
    setInterval(() => resize(false), 500);
  }
  window.addEventListener('load', () => resize(false));
  // Back to this page from the back-forward cache: the host's iframe may have another height.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) resize(true);
  });

  // Hello once the document is parsed, so the handshake finds the embed_origin fields.
  const hello = () => window.parent.postMessage({ type: 'dial:hello' }, '*');
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', hello);
  else hello();
})();
