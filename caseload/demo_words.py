"""Made-up names, places and texts for the generated demo caseloads (caseload.demo). Data, kept
compact: one list a line."""
# fmt: off

FIRST_F = ["Anna", "Maria", "Julia", "Laura", "Sarah", "Lisa", "Katharina", "Sabine", "Petra", "Andrea", "Claudia", "Nicole", "Stefanie", "Melanie", "Sandra", "Jessica", "Jennifer", "Christina", "Nadine", "Tanja", "Monika", "Ursula", "Renate", "Emma", "Mia", "Lea", "Hannah", "Leonie", "Sophie", "Marie", "Johanna", "Jana", "Kerstin", "Birgit", "Heike", "Daniela", "Svenja", "Michelle"]
FIRST_M = ["Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Daniel", "Frank", "Jürgen", "Peter", "Klaus", "Uwe", "Sven", "Tobias", "Florian", "Jan", "Tim", "Lukas", "Jonas", "Leon", "Felix", "Maximilian", "Paul", "Kevin", "Dennis", "Marcel", "Patrick", "Sebastian", "Matthias", "Dirk", "Holger", "Ralf", "Torsten", "Marco", "Niklas", "Philipp", "Dominik", "Mario"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Yılmaz", "Kaya", "Demir", "Nowak", "Kowalski", "Popescu"]
FIRST_REFUGEE = ["Ahmad", "Mohammad", "Ali", "Omar", "Yusuf", "Hassan", "Khaled", "Samir", "Tesfay", "Abdullahi", "Amina", "Fatima", "Aisha", "Mariam", "Noor", "Layla", "Rania", "Olena", "Iryna", "Oksana", "Andriy", "Dmytro", "Mehmet", "Zeynep"]
LAST_REFUGEE = ["Al-Hassan", "Haddad", "Khalil", "Nasser", "Rahimi", "Ahmadi", "Haidari", "Mohammadi", "Tesfaye", "Ghebremedhin", "Abdi", "Warsame", "Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Hussein", "Ibrahim", "Mansour", "Saleh"]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Lindenstraße", "Bergstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Mühlweg", "Angerweg", "Rosenweg", "Goethestraße", "Schillerstraße", "Friedhofstraße", "Birkenweg", "Wiesenweg", "Dorfstraße", "Feldstraße", "Lessingstraße"]
PLACES = {
    "moenchengladbach": [(p, "Mönchengladbach", "02161") for p in
                         ["41061", "41063", "41065", "41066", "41068", "41069", "41169", "41179", "41189", "41199", "41236", "41238"]],
    "coburg-land": [("96472", "Rödental", "09563"), ("96465", "Neustadt b. Coburg", "09568"),
                    ("96476", "Bad Rodach", "09564"), ("96237", "Ebersdorf b. Coburg", "09562"),
                    ("96242", "Sonnefeld", "09562"), ("96484", "Meeder", "09566"),
                    ("96487", "Dörfles-Esbach", "09561"), ("96486", "Lautertal", "09561")],
    "weimarer-land": [("99510", "Apolda", "03644"), ("99438", "Bad Berka", "036458"),
                      ("99444", "Blankenhain", "036459"), ("99448", "Kranichfeld", "036450"),
                      ("99518", "Bad Sulza", "036461"), ("99441", "Magdala", "036454")],
}
MEASURES = ["Aktivierung und berufliche Eingliederung (AVGS)", "Berufsbezogene Sprachförderung (DeuFöV)", "Arbeitsgelegenheit (AGH)", "Umschulung Fachkraft für Lagerlogistik", "Bewerbungscoaching", "Weiterbildung Pflegehilfe", "Berufsorientierung U25", "Coaching Alleinerziehende"]
SUSPENSIONS = ["Einstellungszusage liegt vor", "Ärztliches Gutachten ausstehend", "Elternzeit", "Stationäre Reha", "Maßnahme vereinbart, bis Beginn keine Unterstützung nötig"]
SUMMARIES = ["Bewerbungsaktivitäten besprochen, Unterlagen aktualisiert.", "Kooperationsplan fortgeschrieben.", "Stellenangebote aus dem Suchlauf besprochen, zwei Vermittlungsvorschläge ausgehändigt.", "Gesundheitliche Situation besprochen, Gutachten angeregt.", "Kinderbetreuung geklärt, Teilzeit gesucht.", "Maßnahmeverlauf besprochen, Rückmeldung des Trägers positiv.", "Sprachkurs abgeschlossen.", "Integrationsprognose überprüft, Strategie angepasst."]
AGREEMENTS = ["Fünf Bewerbungen bis zum nächsten Termin.", "Lebenslauf bis Monatsende überarbeiten.", "Teilnahme am Bewerbertag.", "Nachweise zur Kinderbetreuung vorlegen.", ""]
