// Inscription: the one-time code given by the administrator, then a password of 12 characters or more.
import { post } from '../api.js';
import { html, render } from '../html.js';
import { signedIn } from '../main.js';
import { errorBox, formValues } from './common.js';

export default {
  title: 'Activer mon compte',
  render(main) {
    render(main, html`
      <div class="narrow">
        <h1>Activer mon compte</h1>
        <p>L'administrateur vous a remis un identifiant et un code à usage unique, valable 72 heures.
          Choisissez ici votre mot de passe ; le code ne servira plus ensuite.</p>
        <form id="enrol" novalidate>
          <div id="enrol-error"></div>
          <div class="fr-input-group">
            <label class="fr-label" for="name">Identifiant</label>
            <input class="fr-input" id="name" name="name" autocomplete="username" autocapitalize="none" required>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="code">Code à usage unique</label>
            <input class="fr-input" id="code" name="code" autocomplete="one-time-code" autocapitalize="none" required>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="password">Nouveau mot de passe<span class="fr-hint-text">12 caractères au moins</span></label>
            <input class="fr-input" id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="again">Le même mot de passe, une seconde fois</label>
            <input class="fr-input" id="again" name="again" type="password" autocomplete="new-password" required>
          </div>
          <button class="fr-btn" type="submit">Activer et me connecter</button>
        </form>
      </div>`);
    main.querySelector('#enrol').addEventListener('submit', async (event) => {
      event.preventDefault();
      const { name, code, password, again } = formValues(event.target);
      const box = main.querySelector('#enrol-error');
      if (!name || !code) return render(box, errorBox("Saisissez l'identifiant et le code reçus."));
      if (password.length < 12) return render(box, errorBox('Le mot de passe doit compter 12 caractères au moins.'));
      if (password !== again) return render(box, errorBox('Les deux mots de passe diffèrent.'));
      try {
        signedIn(await post('/enrolment', { name, code, password }));
        location.hash = '#/';
      } catch (error) {
        render(box, errorBox(error.message));
      }
      return undefined;
    });
  },
};
