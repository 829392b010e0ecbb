// Connexion: name and password; then the page the person was going to, or their role's home.
import { post } from '../api.js';
import { html, render } from '../html.js';
import { signedIn } from '../main.js';
import { errorBox, formValues } from './common.js';

export default {
  title: 'Connexion',
  render(main) {
    render(main, html`
      <div class="narrow">
        <h1>Connexion à dispo</h1>
        <form id="sign-in" novalidate>
          <div id="sign-in-error"></div>
          <div class="fr-input-group">
            <label class="fr-label" for="name">Identifiant<span class="fr-hint-text">Celui que l'administrateur vous a donné, par exemple astreinte-59</span></label>
            <input class="fr-input" id="name" name="name" autocomplete="username" autocapitalize="none" required>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="password">Mot de passe</label>
            <input class="fr-input" id="password" name="password" type="password" autocomplete="current-password" required>
          </div>
          <button class="fr-btn" type="submit">Se connecter</button>
        </form>
        <p class="fr-mt-3w">Première connexion ? <a href="#/inscription">Activer mon compte avec mon code à usage unique</a></p>
      </div>`);
    main.querySelector('#sign-in').addEventListener('submit', async (event) => {
      event.preventDefault();
      const { name, password } = formValues(event.target);
      const box = main.querySelector('#sign-in-error');
      if (!name || !password) { render(box, errorBox('Saisissez votre identifiant et votre mot de passe.')); return; }
      try {
        signedIn(await post('/session', { name, password }));
        const next = sessionStorage.getItem('after-sign-in');
        sessionStorage.removeItem('after-sign-in');
        location.hash = next ? `#/${next}` : '#/';
      } catch (error) {
        render(box, errorBox(error.message));
        main.querySelector('#password').value = '';
      }
    });
  },
};
