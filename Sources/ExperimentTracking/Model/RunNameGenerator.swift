/// Makes MLflow-style run names, `adjective-noun-number` (`bold-fox-417`),
/// for runs started without a name.
public struct RunNameGenerator: Sendable {
    /// Returns a random name from the system generator.
    public static func next() -> String {
        var random = SystemRandomNumberGenerator()
        return next(using: &random)
    }

    /// Returns a name drawn from `random` (reproducible with a seeded generator).
    public static func next(using random: inout some RandomNumberGenerator) -> String {
        let adjective = adjectives[Int.random(in: 0..<adjectives.count, using: &random)]
        let noun = nouns[Int.random(in: 0..<nouns.count, using: &random)]
        let number = Int.random(in: 0..<1_000, using: &random)
        return "\(adjective)-\(noun)-\(number)"
    }

    static let adjectives = [
        "able", "abundant", "adaptable", "adorable", "adventurous", "agreeable", "ambitious", "amazing", "amusing",
        "auspicious", "awesome", "beautiful", "bedecked", "bemused", "big", "bittersweet", "blushing", "bold",
        "bouncy", "brawny", "bright", "burly", "bustling", "calm", "capable", "carefree", "caring", "casual",
        "charming", "chill", "classy", "clean", "colorful", "dapper", "dashing", "debonair", "defiant", "delicate",
        "delightful", "enchanting", "enthused", "exultant", "fearless", "fortunate", "funny", "gentle", "gifted",
        "glamorous", "grandiose", "gregarious", "handsome", "hilarious", "honorable", "illustrious", "industrious",
        "inquisitive", "intelligent", "intrigued", "invincible", "judicious", "kindly", "languid", "learned",
        "legendary", "likeable", "loud", "luminous", "luxuriant", "lyrical", "magnificent", "marvelous", "melodic",
        "merciful", "mercurial", "monumental", "mysterious", "nebulous", "nimble", "omniscient", "orderly",
        "overjoyed", "painted", "peaceful", "persistent", "placid", "polite", "popular", "powerful", "puzzled",
        "rambunctious", "rare", "rebellious", "resilient", "respected", "righteous", "rogue", "rumbling", "salty",
        "sassy", "secretive", "sedate", "selective", "serious", "silent", "sincere", "skillful", "smiling",
        "sophisticated", "spiffy", "stately", "stylish", "suave", "tasteful", "thoughtful", "thundering",
        "traveling", "treasured", "trusting", "unequaled", "unique", "unleashed", "upbeat", "useful", "valuable",
        "vaunted", "victorious", "welcoming", "whimsical", "wise", "youthful", "zealous",
    ]

    static let nouns = [
        "ant", "ape", "asp", "auk", "bass", "bat", "bear", "bee", "bird", "boar", "bug", "calf", "carp", "cat",
        "chimp", "cod", "colt", "conch", "cow", "crab", "crane", "croc", "crow", "cub", "deer", "doe", "dog",
        "dolphin", "donkey", "dove", "duck", "eel", "elk", "fawn", "finch", "fish", "flea", "fly", "foal", "fowl",
        "fox", "frog", "gnat", "gnu", "goat", "goose", "grouse", "grub", "gull", "hare", "hawk", "hen", "hog",
        "horse", "hound", "jay", "kit", "kite", "koi", "lamb", "lark", "loon", "lynx", "mare", "midge", "mink",
        "mole", "moose", "moth", "mouse", "mule", "newt", "owl", "ox", "panda", "penguin", "perch", "pig", "pug",
        "quail", "ram", "rat", "ray", "robin", "roo", "rook", "seal", "shad", "shark", "sheep", "shoat", "shrew",
        "shrike", "shrimp", "skink", "skunk", "sloth", "slug", "smelt", "snail", "snake", "snipe", "sow", "sponge",
        "squid", "squirrel", "stag", "steed", "stoat", "stork", "swan", "tern", "toad", "trout", "turtle", "vole",
        "wasp", "whale", "wolf", "worm", "wren", "yak", "zebra",
    ]
}
