import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDocument } from '../../src/ingest/decode.ts';
import { extractArticle } from '../../src/ingest/extract.ts';

const pages = path.resolve(import.meta.dirname, '../fixtures/pages');
const page = (name: string): string => readFileSync(path.join(pages, name), 'utf8');
const paragraphs = (text: string): string[] => text.split('\n\n');

describe('extractArticle on a press page surrounded by boilerplate', () => {
  const article = extractArticle(page('boilerplate-around-article.html'), {
    url: 'https://journal-du-cloud.example/marches/ugap-cloud-secnumcloud?utm_source=rss',
  });

  it('keeps every paragraph of the article body, in order', () => {
    const text = paragraphs(article.text);
    expect(text[0]).toMatch(/^La centrale d’achat public l’UGAP a publié lundi/);
    expect(text.at(-1)).toMatch(/^Les premiers bons de commande sont attendus avant l’été/);
    expect(article.method).toBe('dom');
  });

  it('keeps the subheading, the list items and the quote as their own paragraphs', () => {
    const text = paragraphs(article.text);
    expect(text).toContain('Trois lots et un plafond de 300 millions d’euros');
    expect(text).toContain('un lot d’infrastructure à la demande, facturée à l’heure ;');
    expect(text.some((p) => p.startsWith('« Les acheteurs publics nous demandaient'))).toBe(true);
  });

  it('leaves out navigation, related links, comments, newsletter and cookie boxes that mention the Health Data Hub', () => {
    expect(article.text).not.toContain('Health Data Hub');
    expect(article.text).not.toContain('cookies');
    expect(article.text).not.toContain('commentaires');
  });

  it('leaves out the share bar and the image credit', () => {
    expect(article.text).not.toContain('Partager');
    expect(article.text).not.toContain('Crédits photos');
  });

  it('reports the headline as the title and does not repeat it in the text', () => {
    expect(article.title).toBe('L’UGAP ouvre un marché de cloud qualifié SecNumCloud');
    expect(article.text).not.toContain('ouvre un marché de cloud qualifié');
  });

  it('reads canonical (resolved against the page URL), site, time, author and language', () => {
    expect(article).toMatchObject({
      url: 'https://journal-du-cloud.example/marches/ugap-cloud-secnumcloud?utm_source=rss',
      canonical: 'https://journal-du-cloud.example/marches/ugap-cloud-secnumcloud',
      siteName: 'Le Journal du Cloud',
      publishedAt: '2026-03-02T07:00:00.000Z',
      author: 'Camille Durand',
      lang: 'fr-FR',
    });
  });
});

describe('extractArticle and JSON-LD', () => {
  it('takes articleBody from a NewsArticle inside @graph when it is the whole article', () => {
    const article = extractArticle(page('jsonld-full-article.html'), {});
    expect(article.method).toBe('jsonld');
    expect(paragraphs(article.text)).toHaveLength(3);
    expect(article.text).toMatch(/^Le service HDH \(hôpital de jour\) du centre hospitalier/);
    expect(article).toMatchObject({
      title: 'HDH : le service d’hôpital de jour rouvre à Lens',
      canonical: 'https://sante-nord.example/lens/hdh-reouverture',
      siteName: 'Santé Nord',
      author: 'Louis Martin',
      publishedAt: '2026-02-27T16:30:00.000Z',
    });
  });

  it('prefers the page body when articleBody is only a teaser', () => {
    const article = extractArticle(page('jsonld-teaser.html'), {});
    expect(article.method).toBe('dom');
    expect(paragraphs(article.text)).toHaveLength(4);
    expect(article.text).toContain('plus de 24 % de leur capital');
    expect(article.publishedAt).toBe('2026-01-15T00:00:00.000Z');
  });
});

describe('extractArticle on a paywall stub', () => {
  const feedContentHtml =
    '<p>Le ministère de la Santé a retenu un hébergeur qualifié SecNumCloud pour la plateforme des données de santé.</p>' +
    '<p>La migration du Health Data Hub hors du cloud de Microsoft doit s’achever fin 2027, selon le calendrier présenté aux parlementaires.</p>' +
    '<p>La CNIL, qui réclamait ce changement depuis 2020, sera associée au suivi des travaux.</p>';

  it('falls back to the feed content when the feed says more than the page', () => {
    const article = extractArticle(page('paywall-stub.html'), { feedContentHtml });
    expect(article.method).toBe('feed');
    expect(paragraphs(article.text)).toHaveLength(3);
    expect(article.text).toContain('La migration du Health Data Hub hors du cloud de Microsoft');
    expect(article.title).toBe(
      'Données de santé : le gouvernement tranche pour l’hébergement du Health Data Hub',
    );
  });

  it('keeps the page text when there is no feed content', () => {
    const article = extractArticle(page('paywall-stub.html'), {});
    expect(article.method).toBe('dom');
    expect(article.text).toContain('Le ministère a choisi un hébergeur qualifié');
  });
});

describe('extractArticle after decoding a Latin-1 page', () => {
  it('gets the accents right from bytes declared iso-8859-1 in a meta tag', () => {
    const bytes = readFileSync(path.join(pages, 'latin1-meta-charset.html'));
    const html = decodeDocument(bytes, null, 'html').text;
    const article = extractArticle(html, {});
    expect(article.title).toBe("Hôpital de jour : l'été sera calme à Arras");
    expect(article.text).toMatch(/^Le service HDH \(hôpital de jour\) du CHU ferme l'été/);
    expect(article.text).toContain('à Béthune, à vingt-cinq kilomètres');
    expect(article.text).not.toContain('\uFFFD');
  });
});

describe('extractArticle on pages whose markup hides the article', () => {
  it('reads the article that React streams in a hidden block, not the hidden cookie box', () => {
    const article = extractArticle(page('react-streaming-article.html'), {});
    const text = paragraphs(article.text);
    expect(text[0]).toMatch(/^Le centre hospitalier universitaire de Lille a terminé/);
    expect(text).toContain('Un marché passé par l’UGAP');
    expect(text.at(-1)).toMatch(/^La facture, de l’ordre de 4,2 millions d’euros/);
    expect(article.text).not.toContain('cookies');
  });

  it('finds the article inside an unclosed <aside> that swallows the rest of the page', () => {
    const body = [
      'Le groupement hospitalier de territoire de l’Artois a choisi un hébergeur qualifié SecNumCloud pour ses données de santé.',
      'Les trois hôpitaux du groupement partageront désormais le même dossier patient, hébergé hors des clouds américains.',
      'Le Health Data Hub, qui centralise des données de l’Assurance maladie, reste pour sa part chez Microsoft jusqu’en 2027.',
    ];
    const html =
      '<html><body><aside class="banner"><div><a href="/">Annonce : nouvelle formule</a></div>' +
      `<main><article>${body.map((p) => `<p>${p}</p>`).join('')}</article></main></body></html>`;
    expect(paragraphs(extractArticle(html, {}).text)).toEqual(body);
  });
});

describe('extractArticle on pages styled with utility classes', () => {
  it('keeps article sections whose classes only style them (overflow-hidden, scroll-mt-24)', () => {
    const section = (title: string, text: string): string =>
      `<div class="overflow-hidden rounded-lg md:p-8 scroll-mt-24"><h2>${title}</h2><p>${text}</p></div>`;
    const html =
      '<html><body><main><article class="mx-auto max-w-[720px]">' +
      '<p>La région Hauts-de-France publie la liste des hébergeurs qualifiés SecNumCloud retenus pour ses lycées, au terme d’une consultation de six mois.</p>' +
      section(
        'Ce que change la qualification',
        'Les données des élèves et des personnels resteront en France, chez un prestataire soumis au seul droit européen, comme l’exige la doctrine de l’État.',
      ) +
      section(
        'Un achat groupé',
        'La commande passe par l’UGAP, qui a négocié un tarif commun pour les collectivités de la région et se charge du suivi des prestataires.',
      ) +
      '</article></main>' +
      '<div class="sidebar"><p>Les plus lus : le Health Data Hub cherche toujours un hébergeur souverain pour ses données.</p></div>' +
      '</body></html>';
    const text = paragraphs(extractArticle(html, {}).text);
    expect(text).toContain('Ce que change la qualification');
    expect(text.at(-1)).toMatch(/^La commande passe par l’UGAP/);
    expect(text.join(' ')).not.toContain('Health Data Hub');
  });
});

describe('extractArticle on lists and fields of prose', () => {
  it('keeps a list whose items are paragraphs of the article', () => {
    // Short items without commas: Readability's scoring sinks such a list below zero.
    const items = [
      'Les hôpitaux recensent les applications qui traitent des données de santé.',
      'Ils comparent les offres qualifiées SecNumCloud des hébergeurs certifiés.',
      'Ils commandent enfin par l’UGAP sans conduire leur propre appel d’offres.',
    ];
    const html =
      '<html><body><article><p>Quitter un cloud étranger se prépare en trois étapes, détaillées dans le guide publié ce mardi par l’agence régionale de santé.</p>' +
      `<ul>${items.map((item) => `<li><p>${item}</p></li>`).join('')}</ul>` +
      '<p>L’agence rappelle que le Health Data Hub, qui centralise les données de l’Assurance maladie, suivra la même démarche d’ici la fin de l’année 2027.</p>' +
      '<p>Les établissements qui le souhaitent peuvent se faire accompagner par les équipes du groupement régional d’appui au développement de la e-santé.</p>' +
      '</article></body></html>';
    const text = paragraphs(extractArticle(html, {}).text);
    expect(text.slice(1, 4)).toEqual(items);
  });

  it('keeps a Drupal field whose label, not its text, is hidden', () => {
    const html =
      '<html><body><article class="node"><div class="field field--name-body field--label-hidden">' +
      '<p>Le conseil régional a voté lundi le transfert des données de ses lycées vers un hébergeur qualifié SecNumCloud, pour un montant de deux millions d’euros.</p>' +
      '</div><div class="field field--name-field-sections field--label-hidden">' +
      '<h2>Un calendrier serré</h2><p>La bascule doit être achevée avant la rentrée de septembre, faute de quoi le contrat actuel devra être prolongé d’un an.</p>' +
      '</div></article></body></html>';
    expect(paragraphs(extractArticle(html, {}).text)).toContain('Un calendrier serré');
  });
});

describe('extractArticle on an old page without paragraphs', () => {
  it('reads text written straight into a container, paragraphs split by <br><br>', () => {
    const html =
      '<html><body><div id="page"><div class="menu"><a href="/">Accueil</a> <a href="/sante">Santé</a></div>' +
      '<div class="col-main"><div class="date">12/03/2026</div><img src="/photo.jpg">' +
      'L’équipe du service d’hospitalisation à domicile a constaté ce matin que deux véhicules avaient été fracturés pendant la nuit, sur le parking de l’unité.<br><br>' +
      'Les soins ont été assurés avec les voitures restantes, a précisé la direction, qui a déposé plainte et demande un renforcement de l’éclairage du site.<br><br>' +
      'Un nouveau contrat de location sera passé par l’UGAP pour remplacer les véhicules endommagés avant la fin du mois.</div>' +
      '<div class="footer"><div class="address">Centre hospitalier — 12 rue des Lilas, 59000 Lille — standard : 03 20 00 00 00</div></div>' +
      '</div></body></html>';
    const text = paragraphs(extractArticle(html, {}).text);
    expect(text.filter((p) => p.startsWith('L’équipe du service'))).toHaveLength(1);
    expect(text.filter((p) => p.startsWith('Les soins ont été assurés'))).toHaveLength(1);
    expect(text.at(-1)).toMatch(/^Un nouveau contrat de location sera passé par l’UGAP/);
    expect(text.join(' ')).not.toContain('rue des Lilas');
  });
});

describe('extractArticle on a responsive page', () => {
  it('gives once an article that the page renders twice, once per screen size', () => {
    const body =
      '<h2>Le calendrier</h2><p>Les hôpitaux du groupement basculeront leurs serveurs vers le nouvel hébergeur qualifié SecNumCloud entre mars et juin, service par service, en commençant par l’imagerie.</p>' +
      '<p>Les équipes informatiques seront renforcées pendant la bascule, pour que les urgences ne subissent aucune interruption.</p>';
    const html = `<html><body><main><div class="variant-mobile">${body}</div><div class="variant-desktop">${body}</div></main></body></html>`;
    const text = paragraphs(extractArticle(html, {}).text);
    expect(text).toHaveLength(3);
    expect(text.filter((p) => p.startsWith('Les hôpitaux du groupement'))).toHaveLength(1);
  });

  it('keeps a paragraph that the article itself repeats further down', () => {
    const legend =
      'Les montants sont exprimés en millions d’euros hors taxes, sur la durée totale du marché passé par l’UGAP, options comprises, et ne tiennent pas compte des révisions de prix prévues chaque année par le contrat.';
    const html =
      '<html><body><article>' +
      '<p>Le premier lot, consacré à l’hébergement qualifié SecNumCloud, représente l’essentiel de la dépense prévue par les ministères.</p>' +
      `<table><tr><td>Lot 1</td><td>180</td></tr></table><p>${legend}</p>` +
      '<p>Le second lot couvre les services de migration, facturés au forfait pour chaque application déplacée vers le nouvel hébergeur.</p>' +
      `<table><tr><td>Lot 2</td><td>120</td></tr></table><p>${legend}</p>` +
      '</article></body></html>';
    const text = paragraphs(extractArticle(html, {}).text);
    expect(text.filter((p) => p === legend)).toHaveLength(2);
  });
});

describe('extractArticle text cleanup', () => {
  const html =
    '<html><body><article>' +
    '<p>La plateforme des données de santé, le Health Da&shy;ta Hub, change d’héber&shy;geur : le mar&shy;ché sera attribué par l’UGAP à un prestataire qualifié SecNumCloud.</p>' +
    '<p>Le calendrier prévoit une bascule complète des données avant la fin de l’année 2027, après une phase de tests menée avec deux hôpitaux.</p>' +
    '<p>Photo d’illustration : salle serveurs, Agence Exemple</p>' +
    '</article></body></html>';
  const article = extractArticle(html, {});

  it('joins words split by soft hyphens, so a watch term is found whole', () => {
    expect(article.text).toContain('le Health Data Hub, change d’hébergeur : le marché sera');
    expect(article.text).not.toContain('\u00ad');
  });

  it('leaves out an illustration credit', () => {
    expect(article.text).not.toContain('Photo d’illustration');
    expect(paragraphs(article.text)).toHaveLength(2);
  });
});

describe('extractArticle metadata', () => {
  const body =
    '<p>Le ministère des Armées confie à un hébergeur qualifié SecNumCloud les données de ses hôpitaux militaires, au terme d’un appel d’offres lancé au printemps.</p>';

  it('does not take the site’s logo heading for the title, and cuts the site’s name', () => {
    const html =
      '<html><head><title>Les hôpitaux militaires passent au SecNumCloud | Défense Numérique</title>' +
      '<meta property="og:site_name" content="Défense Numérique"></head><body>' +
      '<header><h1><a href="/">Défense Numérique</a></h1></header>' +
      `<article>${body}</article></body></html>`;
    expect(extractArticle(html, {}).title).toBe('Les hôpitaux militaires passent au SecNumCloud');
  });

  it('cuts a site name that only the domain gives, and spaces words split by <br>', () => {
    const html =
      '<html><head><title>UGAP : le marché cloud - Achatpublic</title></head><body>' +
      `<article><h1>UGAP : le marché cloud<br>attribué</h1>${body}</article></body></html>`;
    const declared = extractArticle(html.replace(/<h1>.*<\/h1>/, ''), {
      url: 'https://www.achatpublic.example/ugap-cloud',
    });
    expect(declared.title).toBe('UGAP : le marché cloud');
    expect(extractArticle(html, {}).title).toBe('UGAP : le marché cloud attribué');
  });

  it('takes the declared title out of a heading that also holds a date or a byline', () => {
    const html =
      '<html><head><meta property="og:title" content="Le Health Data Hub quitte Azure"></head><body>' +
      '<article><h1><a href="/hdh-azure"><time datetime="2026-03-02">2 mars 2026</time> Le Health Data Hub quitte Azure</a></h1>' +
      `${body}</article></body></html>`;
    expect(extractArticle(html, {}).title).toBe('Le Health Data Hub quitte Azure');
  });

  it('cuts the site’s name from a heading that repeats the whole declared title', () => {
    const html =
      '<html><head><title>Le cloud de l’UGAP | Actualités | Achat Public</title>' +
      '<meta property="og:site_name" content="Achat Public"></head><body>' +
      `<article><h1>Le cloud de l’UGAP | Actualités | Achat Public</h1>${body}</article></body></html>`;
    expect(extractArticle(html, {}).title).toBe('Le cloud de l’UGAP | Actualités');
  });

  it('cuts a host name written before the title without a separator', () => {
    const html =
      '<html><head><title>blog-cloud.example SecNumCloud, deux ans après</title></head><body>' +
      `<article>${body}</article></body></html>`;
    const article = extractArticle(html, { url: 'https://www.blog-cloud.example/secnumcloud' });
    expect(article.title).toBe('SecNumCloud, deux ans après');
  });

  it('takes the JSON-LD name over a headline that the page title does not give', () => {
    const html =
      '<html><head><title>UGAP - Encyclopédie</title><script type="application/ld+json">' +
      '{"@type":"Article","name":"UGAP","headline":"centrale d’achat public française"}</script></head>' +
      `<body><article>${body}</article></body></html>`;
    expect(extractArticle(html, {}).title).toBe('UGAP');
  });

  it('does not take a one-word heading for the title it merely appears in', () => {
    const html =
      '<html><head><meta property="og:title" content="Comment l’UGAP, la DINUM et la CNIL ont choisi un cloud qualifié"></head>' +
      `<body><h1>CNIL</h1><h1>Menu</h1><article>${body}</article></body></html>`;
    expect(extractArticle(html, {}).title).toBe(
      'Comment l’UGAP, la DINUM et la CNIL ont choisi un cloud qualifié',
    );
  });

  it('skips a placeholder publication date for the next source', () => {
    const html =
      '<html><head><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"0001-01-01T00:00:00Z"}</script>' +
      '<meta property="article:published" content="2026-03-12T09:30:00+01:00"></head>' +
      `<body><article>${body}</article></body></html>`;
    expect(extractArticle(html, {}).publishedAt).toBe('2026-03-12T08:30:00.000Z');
  });

  it('reads JSON-LD wrapped in a CDATA section', () => {
    const html =
      '<html><head><script type="application/ld+json">//<![CDATA[\n{"@type":"BlogPosting","datePublished":"2026-02-03"}\n//]]></script></head>' +
      `<body><article>${body}</article></body></html>`;
    expect(extractArticle(html, {}).publishedAt).toBe('2026-02-03T00:00:00.000Z');
  });

  it('reads the date a byline shows when the page declares none, but not an update date', () => {
    const page = (byline: string): string =>
      `<html><body><article><div class="post-meta">${byline}</div>${body}</article></body></html>`;
    expect(extractArticle(page('Publié le 12 mars 2026 par Léa Martin'), {}).publishedAt).toBe(
      '2026-03-12T00:00:00.000Z',
    );
    expect(extractArticle(page('Posted on March 12, 2026'), {}).publishedAt).toBe(
      '2026-03-12T00:00:00.000Z',
    );
    expect(extractArticle(page('Mis à jour le 14 mars 2026'), {}).publishedAt).toBeNull();
  });
});

describe('extractArticle dates a page that declares none', () => {
  const body =
    '<p>L’UGAP ouvre un marché de cloud qualifié SecNumCloud aux hôpitaux, après un appel d’offres de dix-huit mois et trois lots attribués à des hébergeurs français.</p>';
  const page = (inside: string): string =>
    `<html><body><header><h1 class="logo"><a href="/">Le Journal</a></h1><p>Lundi 2 mars 2026</p></header><article>${inside}</article></body></html>`;

  it('reads the byline under the headline, not the date in the masthead', () => {
    const html = page(`<h1>Le cloud de l’UGAP</h1><p>par Léa Martin, 17 déc. 2025</p>${body}`);
    expect(extractArticle(html, {}).publishedAt).toBe('2025-12-17T00:00:00.000Z');
  });

  it('does not take a date in the first paragraph of prose for the publication', () => {
    const lede = `<p>Le 12 mars 2026, ${body.slice(3)}`;
    expect(extractArticle(page(`<h1>Le cloud de l’UGAP</h1>${lede}`), {}).publishedAt).toBeNull();
  });

  it('does not take an update date under the headline for the publication', () => {
    const html = page(`<h1>Le cloud de l’UGAP</h1><p>Mis à jour le 17 déc. 2025</p>${body}`);
    expect(extractArticle(html, {}).publishedAt).toBeNull();
  });

  it('reads a numeric date only when the day cannot be a month', () => {
    const dated = (shown: string): string =>
      `<html><body><article><div class="post-date">${shown} 7:11 AM PST</div>${body}</article></body></html>`;
    expect(extractArticle(dated('2/26/2026'), {}).publishedAt).toBe('2026-02-26T00:00:00.000Z');
    expect(extractArticle(dated('26/02/2026'), {}).publishedAt).toBe('2026-02-26T00:00:00.000Z');
    expect(extractArticle(dated('03/02/2026'), {}).publishedAt).toBeNull();
  });

  it('reads the dateline that opens the text', () => {
    const html = `<html><body><article><p>Feb. 23, 2026 -- ${body.slice(3)}</article></body></html>`;
    expect(extractArticle(html, {}).publishedAt).toBe('2026-02-23T00:00:00.000Z');
  });

  it('falls back to the day in the URL’s path, and to nothing for a month alone', () => {
    const html = `<html><body><article>${body}</article></body></html>`;
    const at = (url: string) => extractArticle(html, { url }).publishedAt;
    expect(at('https://journal.example/2026/03/02/ugap-cloud/')).toBe('2026-03-02T00:00:00.000Z');
    expect(at('https://journal.example/archive/2026/03/ugap-cloud.html')).toBeNull();
  });
});

describe('extractArticle on hostile or empty input', () => {
  it('returns an empty text and null metadata for an empty document', () => {
    expect(extractArticle('', {})).toEqual({
      title: null,
      text: '',
      url: null,
      canonical: null,
      siteName: null,
      publishedAt: null,
      author: null,
      lang: null,
      method: 'dom',
    });
  });

  it('ignores malformed JSON-LD and unparseable dates instead of throwing', () => {
    const html =
      '<html><head><script type="application/ld+json">{"@type": "NewsArticle", </script>' +
      '<meta property="article:published_time" content="mardi dernier"></head>' +
      '<body><p>L’UGAP publie son rapport annuel, avec une hausse de 12 % des commandes passées par les hôpitaux.</p></body></html>';
    const article = extractArticle(html, {});
    expect(article.publishedAt).toBeNull();
    expect(article.text).toContain('L’UGAP publie son rapport annuel');
  });
});
