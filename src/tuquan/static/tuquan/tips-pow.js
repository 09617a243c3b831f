/* Proof of work for the tip form: find a counter such that
   sha256("<challenge>:<counter>") starts with <bits> zero bits (the bits are
   in the signed challenge). Runs in slices so the page stays responsive; when
   done, the sum question is hidden. Without this script the sum is the check. */
(function () {
  "use strict";
  var K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];
  var W = new Int32Array(64);

  function utf8(text) {
    var out = [], i, c;
    text = unescape(encodeURIComponent(text));
    for (i = 0; i < text.length; i++) { c = text.charCodeAt(i); out.push(c); }
    return out;
  }

  // SHA-256 of a byte array; returns the first 32-bit word (enough for <= 32 bits).
  function firstWord(bytes) {
    var len = bytes.length, bitLen = len * 8, total = ((len + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(total), i, j, t1, t2;
    m.set(bytes); m[len] = 0x80;
    m[total - 4] = (bitLen >>> 24) & 255; m[total - 3] = (bitLen >>> 16) & 255;
    m[total - 2] = (bitLen >>> 8) & 255; m[total - 1] = bitLen & 255;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
        h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (j = 0; j < total; j += 64) {
      for (i = 0; i < 16; i++) {
        W[i] = (m[j + 4 * i] << 24) | (m[j + 4 * i + 1] << 16) | (m[j + 4 * i + 2] << 8) | m[j + 4 * i + 3];
      }
      for (i = 16; i < 64; i++) {
        var x = W[i - 15], y = W[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        t1 = (h + S1 + ch + K[i] + W[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return h0 >>> 0;
  }

  function start() {
    var form = document.getElementById("tip-form");
    if (!form) { return; }
    var token = form.elements.challenge.value, parts = token.split(".");
    var bits = parseInt(parts[3], 10);
    if (!(bits >= 0 && bits <= 32)) { return; }
    var prefix = utf8(token + ":"), counter = 0, done = false, waiting = false;
    var limit = bits === 32 ? 0 : Math.pow(2, 32 - bits);
    var working = document.getElementById("tip-working");
    if (form.elements.client_id && !form.elements.client_id.value && window.crypto && crypto.randomUUID) {
      form.elements.client_id.value = crypto.randomUUID();
    }
    function slice() {
      var end = counter + 4000;
      for (; counter < end; counter++) {
        if (firstWord(prefix.concat(utf8(String(counter)))) < limit) {
          form.elements.proof.value = String(counter);
          done = true;
          document.getElementById("tip-check").hidden = true;
          if (working) { working.hidden = true; }
          if (waiting) { form.submit(); }
          return;
        }
      }
      setTimeout(slice, 0);
    }
    form.addEventListener("submit", function (event) {
      if (!done) { event.preventDefault(); waiting = true; if (working) { working.hidden = false; } }
    });
    slice();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
