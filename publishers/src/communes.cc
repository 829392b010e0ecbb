// The communes the simulator places facilities in: real INSEE codes with the approximate centre
// of each commune (INSEE code officiel géographique; coordinates rounded), weighted roughly by
// population. A sample of each département, not every commune.
#include <algorithm>

#include "dispo/publishers/simulator.h"

namespace dispo::publishers {
namespace {

constexpr Commune kNord[] = {
    {"59350", "Lille", 50.63108, 3.04702, 10},
    {"59512", "Roubaix", 50.68872, 3.18425, 6},
    {"59599", "Tourcoing", 50.72104, 3.15771, 6},
    {"59183", "Dunkerque", 51.01691, 2.34311, 6},
    {"59606", "Valenciennes", 50.36205, 3.51422, 5},
    {"59009", "Villeneuve-d'Ascq", 50.63623, 3.16188, 4},
    {"59178", "Douai", 50.37853, 3.10037, 4},
    {"59122", "Cambrai", 50.17217, 3.24131, 4},
    {"59392", "Maubeuge", 50.28343, 3.96115, 4},
    {"59650", "Wattrelos", 50.71247, 3.21589, 3},
    {"59378", "Marcq-en-Barœul", 50.67931, 3.10061, 3},
    {"59295", "Hazebrouck", 50.72539, 2.53574, 3},
    {"59017", "Armentières", 50.69254, 2.87869, 3},
    {"59172", "Denain", 50.32899, 3.39216, 3},
    {"59328", "Lambersart", 50.65380, 3.02484, 2},
    {"59360", "Loos", 50.60778, 3.02151, 2},
    {"59410", "Mons-en-Barœul", 50.64361, 3.10906, 2},
    {"59163", "Croix", 50.67537, 3.15500, 2},
    {"59299", "Hem", 50.65308, 3.19127, 2},
    {"59279", "Halluin", 50.77589, 3.12565, 2},
    {"59220", "Faches-Thumesnil", 50.59556, 3.07138, 2},
    {"59507", "Ronchin", 50.60335, 3.09306, 2},
    {"59648", "Wattignies", 50.58617, 3.03895, 2},
    {"59286", "Haubourdin", 50.60020, 2.98934, 2},
    {"59560", "Seclin", 50.54527, 3.02676, 2},
    {"59271", "Grande-Synthe", 51.01572, 2.29378, 2},
    {"59155", "Coudekerque-Branche", 51.01835, 2.39855, 2},
    {"59569", "Sin-le-Noble", 50.36723, 3.12129, 2},
    {"59526", "Saint-Amand-les-Eaux", 50.43820, 3.44474, 2},
    {"59139", "Caudry", 50.11912, 3.41751, 2},
    {"59043", "Bailleul", 50.73248, 2.74253, 2},
    {"59136", "Le Cateau-Cambrésis", 50.08736, 3.53543, 2},
    {"59036", "Avesnes-sur-Helpe", 50.12243, 3.92694, 2},
    {"59249", "Fourmies", 50.00643, 4.05937, 2},
    {"59152", "Comines", 50.74960, 3.01364, 1},
    {"59153", "Condé-sur-l'Escaut", 50.46614, 3.61136, 1},
    {"59574", "Somain", 50.35948, 3.27168, 1},
    {"59033", "Aulnoye-Aymeries", 50.20363, 3.83122, 1},
    {"59324", "Jeumont", 50.28999, 4.10264, 1},
    {"59291", "Hautmont", 50.24799, 3.92043, 1},
    {"59273", "Gravelines", 51.00285, 2.13848, 1},
    {"59067", "Bergues", 50.96904, 2.43420, 1},
    {"59400", "Merville", 50.64584, 2.63701, 1},
    {"59481", "Le Quesnoy", 50.24926, 3.62342, 1},
    {"59449", "Orchies", 50.46836, 3.23982, 1},
    {"59571", "Solesmes", 50.17300, 3.51440, 1},
    {"59383", "Marly", 50.34643, 3.54768, 1},
    {"59014", "Anzin", 50.37599, 3.51118, 1},
    {"59491", "Raismes", 50.41170, 3.48860, 1},
    {"59212", "Estaires", 50.65764, 2.72212, 1},
    {"59135", "Cassel", 50.79129, 2.49616, 1},
    {"59580", "Steenvoorde", 50.82253, 2.57623, 1},
    {"59601", "Trélon", 50.06862, 4.12604, 1},
};

constexpr Commune kPasDeCalais[] = {
    {"62041", "Arras", 50.28927, 2.76789, 6},
    {"62193", "Calais", 50.95227, 1.86898, 6},
    {"62160", "Boulogne-sur-Mer", 50.73032, 1.60616, 5},
    {"62498", "Lens", 50.43954, 2.81910, 5},
    {"62510", "Liévin", 50.42306, 2.77022, 4},
    {"62119", "Béthune", 50.52994, 2.64379, 4},
    {"62765", "Saint-Omer", 50.75000, 2.25220, 3},
    {"62427", "Hénin-Beaumont", 50.42140, 2.95080, 3},
    {"62178", "Bruay-la-Buissière", 50.48909, 2.55047, 3},
    {"62215", "Carvin", 50.49029, 2.95160, 2},
    {"62108", "Berck", 50.41466, 1.58098, 2},
    {"62318", "Étaples", 50.52472, 1.64635, 2},
    {"62643", "Outreau", 50.69745, 1.59111, 2},
    {"62065", "Avion", 50.40398, 2.82428, 2},
    {"62617", "Nœux-les-Mines", 50.47567, 2.66454, 2},
    {"62014", "Aire-sur-la-Lys", 50.64565, 2.39617, 2},
    {"62048", "Auchel", 50.51078, 2.46558, 2},
    {"62637", "Oignies", 50.46365, 2.99174, 2},
    {"62516", "Lillers", 50.56221, 2.48242, 2},
    {"62525", "Longuenesse", 50.73483, 2.24812, 2},
    {"62040", "Arques", 50.73882, 2.31769, 2},
    {"62588", "Montreuil-sur-Mer", 50.46536, 1.77699, 1},
    {"62767", "Saint-Pol-sur-Ternoise", 50.38110, 2.33360, 1},
    {"62080", "Bapaume", 50.10176, 2.85593, 1},
    {"62548", "Marck", 50.95016, 1.95161, 1},
    {"62361", "Frévent", 50.27007, 2.29047, 1},
    {"62364", "Fruges", 50.51430, 2.11838, 1},
    {"62268", "Desvres", 50.67646, 1.83228, 1},
    {"62057", "Audruicq", 50.88086, 2.08581, 1},
};

constexpr Commune kSomme[] = {
    {"80021", "Amiens", 49.89871, 2.28468, 10},
    {"80001", "Abbeville", 50.11015, 1.83190, 5},
    {"80016", "Albert", 50.00355, 2.65153, 3},
    {"80620", "Péronne", 49.92623, 2.92604, 3},
    {"80561", "Montdidier", 49.64751, 2.56621, 2},
    {"80253", "Doullens", 50.15148, 2.35160, 2},
    {"80685", "Roye", 49.69073, 2.78686, 2},
    {"80212", "Corbie", 49.92165, 2.49753, 2},
    {"80164", "Camon", 49.90321, 2.36074, 2},
    {"80410", "Ham", 49.74690, 3.07310, 1},
    {"80674", "Rivery", 49.90981, 2.33953, 1},
    {"80688", "Rue", 50.27960, 1.66970, 1},
    {"80721", "Saint-Valery-sur-Somme", 50.17420, 1.62788, 1},
    {"80630", "Poix-de-Picardie", 49.74744, 1.97811, 1},
    {"80131", "Boves", 49.83924, 2.38802, 1},
    {"80570", "Moreuil", 49.77035, 2.47668, 1},
    {"80585", "Nesle", 49.76011, 2.91221, 1},
    {"80182", "Cayeux-sur-Mer", 50.17726, 1.52014, 1},
    {"80724", "Saleux", 49.86215, 2.21913, 1},
    {"80632", "Pont-de-Metz", 49.88426, 2.22714, 1},
    {"80680", "Rosières-en-Santerre", 49.81641, 2.70175, 1},
    {"80011", "Ailly-sur-Somme", 49.91590, 2.18505, 1},
};

// Paris: the arrondissements (INSEE 751xx) where most children's services are.
constexpr Commune kParis[] = {
    {"75111", "Paris 11e Arrondissement", 48.8591, 2.3800, 4},
    {"75113", "Paris 13e Arrondissement", 48.8283, 2.3623, 4},
    {"75115", "Paris 15e Arrondissement", 48.8421, 2.2929, 4},
    {"75118", "Paris 18e Arrondissement", 48.8925, 2.3484, 4},
    {"75119", "Paris 19e Arrondissement", 48.8871, 2.3848, 4},
    {"75120", "Paris 20e Arrondissement", 48.8634, 2.3984, 4},
    {"75112", "Paris 12e Arrondissement", 48.8400, 2.3880, 3},
    {"75114", "Paris 14e Arrondissement", 48.8292, 2.3265, 3},
    {"75117", "Paris 17e Arrondissement", 48.8873, 2.3067, 3},
    {"75110", "Paris 10e Arrondissement", 48.8762, 2.3607, 2},
    {"75116", "Paris 16e Arrondissement", 48.8603, 2.2620, 2},
    {"75105", "Paris 5e Arrondissement", 48.8445, 2.3497, 1},
};

constexpr Commune kSeineSaintDenis[] = {
    {"93066", "Saint-Denis", 48.92680, 2.36570, 5},
    {"93048", "Montreuil", 48.86375, 2.44906, 5},
    {"93001", "Aubervilliers", 48.91281, 2.38856, 4},
    {"93005", "Aulnay-sous-Bois", 48.94575, 2.49180, 4},
    {"93008", "Bobigny", 48.90732, 2.44317, 3},
    {"93029", "Drancy", 48.92503, 2.44460, 3},
    {"93051", "Noisy-le-Grand", 48.83266, 2.55596, 3},
    {"93055", "Pantin", 48.90056, 2.40853, 3},
    {"93010", "Bondy", 48.90361, 2.48464, 3},
    {"93070", "Saint-Ouen-sur-Seine", 48.91183, 2.33288, 2},
    {"93071", "Sevran", 48.93779, 2.53109, 2},
    {"93031", "Épinay-sur-Seine", 48.95444, 2.31717, 2},
    {"93014", "Clichy-sous-Bois", 48.90810, 2.54317, 2},
    {"93064", "Rosny-sous-Bois", 48.87437, 2.48719, 2},
    {"93078", "Villepinte", 48.95604, 2.53233, 2},
    {"93007", "Le Blanc-Mesnil", 48.93716, 2.45757, 2},
    {"93027", "La Courneuve", 48.93408, 2.39862, 2},
    {"93053", "Noisy-le-Sec", 48.89173, 2.45779, 2},
    {"93047", "Montfermeil", 48.89761, 2.56780, 1},
    {"93073", "Tremblay-en-France", 48.97436, 2.54809, 1},
};

constexpr std::string_view kNordPhones[] = {"03 20", "03 27", "03 28"};
constexpr std::string_view kPasDeCalaisPhones[] = {"03 21"};
constexpr std::string_view kSommePhones[] = {"03 22"};
constexpr std::string_view kParisPhones[] = {"01 40", "01 42", "01 43", "01 44", "01 45"};
constexpr std::string_view kSeineSaintDenisPhones[] = {"01 41", "01 43", "01 48", "01 49"};

// Dense towns get a smaller jitter so that facilities stay inside the département.
const SimulatedDepartement kDepartements[] = {
    {"59", "Nord", kNordPhones, kNord, 0.015},
    {"62", "Pas-de-Calais", kPasDeCalaisPhones, kPasDeCalais, 0.015},
    {"80", "Somme", kSommePhones, kSomme, 0.015},
    {"75", "Paris", kParisPhones, kParis, 0.005},
    {"93", "Seine-Saint-Denis", kSeineSaintDenisPhones, kSeineSaintDenis, 0.006},
};

}  // namespace

std::span<const SimulatedDepartement> simulated_departements() { return kDepartements; }

const SimulatedDepartement* find_simulated_departement(std::string_view code) {
  const auto* found = std::find_if(std::begin(kDepartements), std::end(kDepartements),
                                   [code](const SimulatedDepartement& d) { return d.code == code; });
  return found == std::end(kDepartements) ? nullptr : found;
}

std::string simulated_departement_list() {
  std::string list;
  for (const auto& departement : kDepartements) {
    if (!list.empty()) list += ", ";
    list += std::string(departement.code) + " (" + std::string(departement.name) + ")";
  }
  return list;
}

}  // namespace dispo::publishers
