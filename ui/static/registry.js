// Registry imports. The pages work without this file: the upload form
// posts the whole file (up to the server's body limit) and the job page
// shows the job as it stood when loaded. With it, the upload goes in
// chunks through the API (so a list of any size up to the import limit
// goes through, each request under the body limit), and the job page
// polls the job's progress until it is done, failed or waiting for a
// confirmation, then reloads to show the report.
(function () {
  "use strict";

  function api(method, url, csrf, body, type) {
    var headers = { "Accept": "application/json", "X-CSRF-Token": csrf };
    if (type) {
      headers["Content-Type"] = type;
    }
    return window.fetch(url, { method: method, credentials: "same-origin", headers: headers, body: body })
      .then(function (res) {
        if (res.status === 204) {
          return null;
        }
        return res.json().then(function (data) {
          if (!res.ok) {
            var err = new Error((data && data.error && data.error.message) || res.statusText);
            throw err;
          }
          return data;
        });
      });
  }

  function checked(form, name) {
    var el = form.querySelector("input[name='" + name + "']:checked");
    return el ? el.value : "";
  }

  var upload = document.getElementById("registry-upload");
  if (upload && window.fetch && window.File && File.prototype.slice) {
    upload.addEventListener("submit", function (ev) {
      var input = upload.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (!file) {
        return;
      }
      ev.preventDefault();
      var csrf = upload.getAttribute("data-csrf") || "";
      var status = document.getElementById("registry-upload-status");
      var button = upload.querySelector("button[type=submit]");
      button.disabled = true;
      var start = {
        form: upload.querySelector("input[name=form]").value,
        kind: checked(upload, "kind"),
        mode: checked(upload, "mode"),
        fileName: file.name,
        size: file.size
      };
      api("POST", upload.getAttribute("data-api"), csrf, JSON.stringify(start), "application/json")
        .then(function (job) {
          var seq = 0;
          function next() {
            if (seq >= job.chunks) {
              return api("POST", "/api/v1/imports/" + job.id + "/finish", csrf, null, null);
            }
            var from = seq * job.chunkSize;
            var blob = file.slice(from, Math.min(from + job.chunkSize, file.size));
            status.textContent = upload.getAttribute("data-uploading") + " " + Math.round(100 * seq / job.chunks) + "%";
            return api("PUT", "/api/v1/imports/" + job.id + "/chunks/" + seq, csrf, blob, "application/octet-stream")
              .then(function () {
                seq++;
                return next();
              });
          }
          return next().then(function () {
            window.location.assign("/registry/jobs/" + job.id);
          });
        })
        .catch(function (err) {
          status.textContent = upload.getAttribute("data-failed") + " " + err.message;
          button.disabled = false;
        });
    });
  }

  var progress = document.getElementById("job-progress");
  var poll = progress && progress.getAttribute("data-poll");
  if (poll && window.fetch) {
    var fields = ["rows", "valid", "invalid", "changed", "written"];
    var tick = function () {
      api("GET", poll, "", undefined, null).then(function (job) {
        fields.forEach(function (f) {
          var el = progress.querySelector("[data-field='" + f + "']");
          if (el) {
            el.textContent = String(job[f]);
          }
        });
        if (job.finished || job.state === "preview") {
          window.location.reload();
          return;
        }
        window.setTimeout(tick, 2000);
      }).catch(function () {
        window.setTimeout(tick, 5000);
      });
    };
    window.setTimeout(tick, 1000);
  }
})();
