// Progress kept in this browser only (no account): which checks were answered right, which
// exercises were solved, which lesson was visited last. Everything here is optional: with storage blocked or JavaScript off,
// the lessons work the same and only the overview stays hidden.
(function () {
  "use strict";
  var KEY = "plab.progress.v1";

  function empty() { return { version: 1, checks: {}, exercises: {}, lastLesson: null }; }

  // Files and storage written before exercises existed have no "exercises" entry: add an empty one.
  function valid(data) {
    if (!data || data.version !== 1 || typeof data.checks !== "object" || data.checks === null) return null;
    if (data.exercises === undefined) data.exercises = {};
    return typeof data.exercises === "object" && data.exercises !== null ? data : null;
  }

  function storage() {
    try {
      var probe = "__plab_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function load(store) {
    if (!store) return empty();
    try {
      return valid(JSON.parse(store.getItem(KEY) || "null")) || empty();
    } catch (error) {
      return empty();
    }
  }

  function save(store, data) {
    if (store) store.setItem(KEY, JSON.stringify(data));
  }

  function recordChecks(root, data) {
    root.querySelectorAll(".check[data-check-result]").forEach(function (check) {
      var result = check.getAttribute("data-check-result");
      var id = check.getAttribute("data-check-id");
      if (result === "correct") data.checks[id] = { correct: true, at: new Date().toISOString() };
      else if (result === "wrong" && !(data.checks[id] && data.checks[id].correct)) data.checks[id] = { correct: false };
    });
  }

  function recordExercises(root, data) {
    root.querySelectorAll("[data-exercise-id][data-exercise-result]").forEach(function (block) {
      var result = block.getAttribute("data-exercise-result");
      var id = block.getAttribute("data-exercise-id");
      if (result === "passed") data.exercises[id] = { passed: true, at: new Date().toISOString() };
      else if (result === "failed" && !(data.exercises[id] && data.exercises[id].passed)) data.exercises[id] = { passed: false };
    });
  }

  function doneCount(ids, data) {
    return ids.filter(function (id) { return data.checks[id] && data.checks[id].correct; }).length;
  }

  function solvedCount(ids, data) {
    return ids.filter(function (id) { return data.exercises[id] && data.exercises[id].passed; }).length;
  }

  function idList(item, name) {
    return (item.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }

  function showOverview(panel, data) {
    var total = 0, done = 0, exerciseTotal = 0, solved = 0;
    document.querySelectorAll("[data-lesson-checks]").forEach(function (item) {
      var ids = idList(item, "data-lesson-checks");
      var exercises = idList(item, "data-lesson-exercises");
      var count = doneCount(ids, data);
      var solvedHere = solvedCount(exercises, data);
      total += ids.length;
      done += count;
      exerciseTotal += exercises.length;
      solved += solvedHere;
      var badge = item.querySelector(".progress-badge");
      if (badge && (ids.length || exercises.length)) {
        var parts = [];
        if (ids.length) parts.push(fill(panel.getAttribute("data-text-lesson"), { done: count, total: ids.length }));
        if (exercises.length) parts.push(fill(panel.getAttribute("data-text-lesson-exercises"), { done: solvedHere, total: exercises.length }));
        badge.textContent = parts.join(" · ");
        badge.classList.toggle("complete", count === ids.length && solvedHere === exercises.length);
        badge.hidden = false;
      }
    });
    panel.querySelector(".progress-summary").textContent = fill(panel.getAttribute("data-text-summary"), { done: done, total: total });
    panel.querySelector(".progress-exercises").textContent = fill(panel.getAttribute("data-text-exercises"), { done: solved, total: exerciseTotal });
    var resume = panel.querySelector(".progress-resume");
    if (data.lastLesson && data.lastLesson.url) {
      resume.querySelector("a").href = data.lastLesson.url;
      resume.querySelector("a").textContent = data.lastLesson.title;
      resume.hidden = false;
    } else {
      resume.hidden = true;
    }
  }

  function download(data) {
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "parameter-lab-progress.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
  }

  function wirePanel(panel, store, data) {
    var status = panel.querySelector(".progress-status");
    if (!store) {
      status.textContent = panel.getAttribute("data-text-no-storage");
      panel.hidden = false;
      panel.querySelectorAll("button, input").forEach(function (control) { control.disabled = true; });
      return;
    }
    panel.querySelector(".progress-erase").addEventListener("click", function () {
      if (!window.confirm(panel.getAttribute("data-text-confirm-erase"))) return;
      data = empty();
      save(store, data);
      showOverview(panel, data);
      status.textContent = panel.getAttribute("data-text-erased");
    });
    panel.querySelector(".progress-export").addEventListener("click", function () { download(data); });
    panel.querySelector(".progress-import").addEventListener("change", function (event) {
      var file = event.target.files[0];
      if (!file) return;
      file.text().then(function (text) {
        var imported = valid(JSON.parse(text));
        if (!imported) throw new Error("format");
        data = imported;
        save(store, data);
        showOverview(panel, data);
        status.textContent = panel.getAttribute("data-text-imported");
      }).catch(function () {
        status.textContent = panel.getAttribute("data-text-bad-file");
      });
      event.target.value = "";
    });
    showOverview(panel, data);
    panel.hidden = false;
  }

  function start() {
    var store = storage();
    var data = load(store);
    var lesson = document.querySelector("[data-lesson-slug]");
    if (lesson) {
      data.lastLesson = { slug: lesson.getAttribute("data-lesson-slug"), title: lesson.getAttribute("data-lesson-title"), url: window.location.pathname };
      recordChecks(document, data);
      recordExercises(document, data);
      save(store, data);
      document.body.addEventListener("htmx:afterSwap", function (event) {
        recordChecks(event.target.parentNode || document, data);
        save(store, data);
      });
      // The code editor (cells.js) swaps an exercise's result panel in and announces it.
      document.body.addEventListener("plab:output", function (event) {
        recordExercises(event.target.parentNode || document, data);
        save(store, data);
      });
    }
    var panel = document.getElementById("progress-panel");
    if (panel) wirePanel(panel, store, data);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
