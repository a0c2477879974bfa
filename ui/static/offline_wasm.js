// The offline form evaluator: package forms compiled to WebAssembly
// (GOOS=wasip1, a reactor module; see package offline) and this small
// WASI shim of our own, which gives it only what it asks for: a clock,
// random bytes, and somewhere to write a panic. There are no files, no
// arguments and no environment.
//
//   CanvassEvaluator.open(url) → Promise of an evaluator e, with
//   e.load(key, source)          compiles a form (its JSON text) once;
//   e.evaluate(key, answers, env) → the state the server's evaluate
//                                  endpoint would answer (relevant,
//                                  required, calculated, choices, errors,
//                                  reasons); env is {refTime, submittedAt,
//                                  lang} with times as RFC 3339 text.
(function (global) {
  "use strict";

  var ESUCCESS = 0;
  var EBADF = 8;
  var ENOSYS = 52;

  function shim(memory) {
    function view() {
      return new DataView(memory().buffer);
    }
    var out = { 1: "", 2: "" };
    var wasi = {
      args_sizes_get: function (argc, size) {
        view().setUint32(argc, 0, true);
        view().setUint32(size, 0, true);
        return ESUCCESS;
      },
      args_get: function () { return ESUCCESS; },
      environ_sizes_get: function (count, size) {
        view().setUint32(count, 0, true);
        view().setUint32(size, 0, true);
        return ESUCCESS;
      },
      environ_get: function () { return ESUCCESS; },
      clock_time_get: function (id, precision, at) {
        var ms = id === 0 ? Date.now() : performance.now();
        view().setBigUint64(at, BigInt(Math.round(ms * 1e6)), true);
        return ESUCCESS;
      },
      random_get: function (at, n) {
        var bytes = new Uint8Array(memory().buffer, at, n);
        for (var i = 0; i < n; i += 65536) {
          global.crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
        }
        return ESUCCESS;
      },
      fd_write: function (fd, iovs, count, written) {
        var v = view();
        var total = 0;
        var text = "";
        for (var i = 0; i < count; i++) {
          var at = v.getUint32(iovs + i * 8, true);
          var n = v.getUint32(iovs + i * 8 + 4, true);
          text += new TextDecoder().decode(new Uint8Array(memory().buffer, at, n));
          total += n;
        }
        v.setUint32(written, total, true);
        if (fd === 1 || fd === 2) {
          out[fd] += text;
          var lines = out[fd].split("\n");
          out[fd] = lines.pop();
          for (var l = 0; l < lines.length; l++) {
            global.console[fd === 2 ? "error" : "log"]("evaluator: " + lines[l]);
          }
        }
        return ESUCCESS;
      },
      fd_prestat_get: function () { return EBADF; },
      // The runtime waits only when it has nothing to do; a clock that
      // has always already fired keeps it from sleeping in a call.
      poll_oneoff: function (subs, events, count, done) {
        var v = view();
        for (var i = 0; i < count; i++) {
          v.setBigUint64(events + i * 32, v.getBigUint64(subs + i * 48, true), true);
          v.setUint16(events + i * 32 + 8, 0, true);
          v.setUint8(events + i * 32 + 10, v.getUint8(subs + i * 48 + 8));
        }
        v.setUint32(done, count, true);
        return ESUCCESS;
      },
      sched_yield: function () { return ESUCCESS; },
      proc_exit: function (code) {
        throw new Error("evaluator: exit " + code);
      }
    };
    return new Proxy(wasi, {
      get: function (target, name) {
        return target[name] || function () { return ENOSYS; };
      }
    });
  }

  function Evaluator(instance) {
    this.exports = instance.exports;
  }

  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  // call sends one JSON request and returns the parsed reply. The request
  // is encoded straight into the module's memory: UTF-8 takes at most
  // three bytes per UTF-16 unit.
  Evaluator.prototype.call = function (request) {
    var x = this.exports;
    var text = JSON.stringify(request);
    var room = text.length * 3;
    var at = x.alloc(room);
    var n = encoder.encodeInto(text, new Uint8Array(x.memory.buffer, at, room)).written;
    var packed = x.call(at, n);
    x.release(at);
    var replyAt = Number(packed >> 32n);
    n = Number(packed & 0xffffffffn);
    text = decoder.decode(new Uint8Array(x.memory.buffer, replyAt, n));
    x.release(replyAt);
    var reply = JSON.parse(text);
    if (reply.error) {
      throw new Error(reply.error);
    }
    return reply.state;
  };

  Evaluator.prototype.load = function (key, source) {
    this.call({ op: "load", key: key, source: source });
  };

  Evaluator.prototype.evaluate = function (key, answers, env) {
    env = env || {};
    return this.call({
      op: "evaluate", key: key, answers: answers,
      refTime: env.refTime || "0001-01-01T00:00:00Z",
      submittedAt: env.submittedAt || "0001-01-01T00:00:00Z",
      lang: env.lang || ""
    });
  };

  // open fetches and starts the module. Fetched bytes are cached by the
  // service worker like any other file.
  function open(url) {
    var instance = null;
    var imports = { wasi_snapshot_preview1: shim(function () { return instance.exports.memory; }) };
    return global.fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("evaluator: " + response.status);
      }
      return response.arrayBuffer();
    }).then(function (bytes) {
      return WebAssembly.instantiate(bytes, imports);
    }).then(function (result) {
      instance = result.instance;
      instance.exports._initialize();
      return new Evaluator(instance);
    });
  }

  global.CanvassEvaluator = { open: open };
})(typeof self !== "undefined" ? self : window);
