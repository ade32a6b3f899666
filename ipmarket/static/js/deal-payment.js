// The pay step of a deal: mounts Stripe's Payment Element and confirms the payment.
// Everything it needs comes from data- attributes of #payment-panel (no inline script):
// the publishable key, the PaymentIntent's client secret, the return URL and the texts.
// Stripe.js itself is loaded by the page from js.stripe.com (deferred, before this file).
(function () {
  "use strict";
  var panel = document.getElementById("payment-panel");
  if (!panel) {
    return;
  }
  var data = panel.dataset;
  var status = panel.querySelector("[data-payment-status]");
  var form = document.getElementById("payment-form");
  var button = document.getElementById("payment-submit");

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("payment-error", Boolean(isError));
  }

  // Without Stripe the buyer cannot pay here; look again at the deal later
  // (the deal page reloads itself while a started payment awaits confirmation).
  function waitForConfirmation(message) {
    say(message, true);
    panel.classList.add("payment-unavailable");
    window.setTimeout(function () {
      window.location.assign(data.pendingUrl);
    }, 20000);
  }

  if (typeof window.Stripe !== "function") {
    waitForConfirmation(data.msgOffline);
    return;
  }
  if (!data.publishableKey) {
    waitForConfirmation(data.msgUnconfigured);
    return;
  }

  var stripe;
  var elements;
  try {
    stripe = window.Stripe(data.publishableKey, { locale: data.locale || "auto" });
    elements = stripe.elements({ clientSecret: data.clientSecret });
    var paymentElement = elements.create("payment");
    // Stripe.js loaded but could not reach Stripe (or refused the key): same as offline.
    paymentElement.on("loaderror", function () {
      form.hidden = true;
      waitForConfirmation(data.msgOffline);
    });
    paymentElement.mount("#payment-element");
  } catch (error) {
    waitForConfirmation(data.msgOffline);
    return;
  }
  form.hidden = false;
  say(data.msgReady, false);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    say(data.msgWorking, false);
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: data.returnUrl } })
      .then(function (result) {
        // Only reached on an error: on success Stripe goes to return_url.
        if (result && result.error) {
          say(result.error.message || data.msgOffline, true);
          button.disabled = false;
        }
      })
      .catch(function () {
        waitForConfirmation(data.msgOffline);
      });
  });
})();
