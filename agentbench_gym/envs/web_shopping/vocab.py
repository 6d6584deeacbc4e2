"""Word lists for the synthetic catalog: categories, product types, options, attributes, brands.

All of it is this project's own invention; the category names follow WebShop's five
(beauty, electronics, fashion, garden, grocery) so that goals look like WebShop's.
"""

from __future__ import annotations

# type noun -> (scrape query, breadcrumb tail, option groups, attribute pool)
# Each category lists its types; option groups map an option name to candidate values.
COLORS = ("black", "white", "navy blue", "light grey", "dark green", "burgundy red", "beige",
          "pink", "teal", "mustard yellow", "charcoal", "lavender", "coral", "olive", "ivory")
SIZES = ("x-small", "small", "medium", "large", "x-large", "xx-large")
SHOE_SIZES = ("6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "11", "12")

CATEGORIES: dict[str, dict[str, tuple[str, str, dict[str, tuple[str, ...]], tuple[str, ...]]]] = {
    "fashion": {
        "t-shirt": ("mens t-shirts", "Clothing, Shoes & Jewelry › Men › Clothing › Shirts › T-Shirts",
                    {"color": COLORS, "size": SIZES},
                    ("machine wash", "cotton spandex", "short sleeve", "slim fit", "moisture wicking",
                     "relaxed fit", "classic fit")),
        "dress": ("womens dresses", "Clothing, Shoes & Jewelry › Women › Clothing › Dresses",
                  {"color": COLORS, "size": SIZES},
                  ("hand wash", "polyester spandex", "long sleeve", "elastic waist", "daily wear",
                   "button closure")),
        "sneaker": ("running shoes", "Clothing, Shoes & Jewelry › Men › Shoes › Athletic › Running",
                    {"color": COLORS, "size": SHOE_SIZES},
                    ("rubber sole", "lace up", "non slip", "arch support", "memory foam", "breathable mesh")),
        "hoodie": ("hoodies", "Clothing, Shoes & Jewelry › Women › Clothing › Fashion Hoodies & Sweatshirts",
                   {"color": COLORS, "size": SIZES},
                   ("fleece lined", "drawstring hood", "machine wash", "kangaroo pocket", "long sleeve")),
        "sandal": ("womens sandals", "Clothing, Shoes & Jewelry › Women › Shoes › Sandals",
                   {"color": COLORS, "size": SHOE_SIZES},
                   ("open toe", "ankle strap", "rubber sole", "arch support", "quick drying")),
        "jeans": ("womens jeans", "Clothing, Shoes & Jewelry › Women › Clothing › Jeans",
                  {"color": ("light wash", "dark wash", "black", "stonewash blue", "white"), "size": SIZES},
                  ("high waist", "button closure", "stretch denim", "straight leg", "machine wash")),
    },
    "beauty": {
        "shampoo": ("shampoos", "Beauty & Personal Care › Hair Care › Shampoo & Conditioner › Shampoos",
                    {"size": ("8 fl oz", "12 fl oz", "16.9 fl oz", "33.8 fl oz")},
                    ("sulfate free", "paraben free", "argan oil", "dry hair", "natural ingredients",
                     "color treated")),
        "serum": ("face serums", "Beauty & Personal Care › Skin Care › Face › Serums",
                  {"size": ("1 fl oz", "1.7 fl oz", "2 fl oz")},
                  ("hyaluronic acid", "vitamin c", "fine lines", "cruelty free", "dark spots", "fragrance free")),
        "lipstick": ("lipsticks", "Beauty & Personal Care › Makeup › Lips › Lipstick",
                     {"color": ("ruby red", "nude pink", "coral", "berry", "mauve", "plum")},
                     ("long lasting", "matte finish", "cruelty free", "highly pigmented", "paraben free")),
        "perfume": ("womens perfume", "Beauty & Personal Care › Fragrance › Women's › Eau de Parfum",
                    {"size": ("1 fl oz", "1.7 fl oz", "3.4 fl oz")},
                    ("long lasting", "floral scent", "travel size", "alcohol free", "gift set")),
        "hair extension": ("hair extensions", "Beauty & Personal Care › Hair Care › Hair Extensions, Wigs & "
                           "Accessories › Hair Extensions", {"color": ("natural black", "dark brown", "blonde",
                                                                      "auburn"),
                                                             "size": ("14 inch", "18 inch", "22 inch")},
                           ("clip in", "natural looking", "human hair", "heat resistant", "easy apply")),
        "toothbrush": ("electric toothbrushes", "Beauty & Personal Care › Oral Care › Toothbrushes › "
                       "Electric Toothbrushes", {"color": ("white", "black", "pink", "blue")},
                       ("rechargeable battery", "travel case", "sensitive teeth", "long lasting", "easy use")),
    },
    "electronics": {
        "headphone": ("wireless headphones", "Electronics › Headphones, Earbuds & Accessories › Headphones",
                      {"color": ("black", "white", "silver", "rose gold", "midnight blue")},
                      ("noise cancelling", "bluetooth 5.0", "long battery life", "hands free", "over ear",
                       "fast charging")),
        "phone case": ("iphone cases", "Cell Phones & Accessories › Cases, Holsters & Sleeves › Basic Cases",
                       {"color": COLORS, "style": ("iphone 13", "iphone 14", "iphone 15", "iphone 15 pro")},
                       ("shockproof", "wireless charging", "slim fit", "scratch resistant", "easy install")),
        "usb microphone": ("usb microphones", "Electronics › Computers & Accessories › Audio › Microphones",
                           {"color": ("black", "white", "red")},
                           ("plug and play", "noise cancelling", "high fidelity", "easy use", "usb port")),
        "hdmi cable": ("hdmi cables", "Electronics › Television & Video › Accessories › Cables › HDMI Cables",
                       {"size": ("3 ft", "6 ft", "10 ft", "15 ft"), "style": ("1 pack", "2 pack", "3 pack")},
                       ("high speed", "gold plated", "4k ultra hd", "ethernet compatible", "braided cable")),
        "power bank": ("portable chargers", "Cell Phones & Accessories › Chargers & Power Adapters › "
                       "Portable Power Banks", {"color": ("black", "white", "blue"),
                                                "size": ("10000mah", "20000mah", "26800mah")},
                       ("fast charging", "usb c", "high capacity", "compact size", "led display")),
        "security camera": ("security cameras", "Electronics › Camera & Photo › Video Surveillance › "
                            "Surveillance Cameras", {"style": ("1 camera", "2 cameras", "4 cameras")},
                            ("night vision", "motion detection", "two way audio", "easy install", "1080p hd")),
    },
    "garden": {
        "console table": ("console tables", "Home & Kitchen › Furniture › Living Room Furniture › Tables › "
                          "Sofa & Console Tables", {"color": ("walnut", "espresso", "white", "rustic brown")},
                          ("solid wood", "easy assembly", "storage space", "living room", "metal frame")),
        "throw pillow": ("throw pillows", "Home & Kitchen › Bedding › Decorative Pillows, Inserts & Covers › "
                         "Throw Pillow Covers", {"color": COLORS, "size": ("16x16 inch", "18x18 inch",
                                                                           "20x20 inch")},
                         ("machine washable", "living room", "hidden zipper", "double sided", "super soft")),
        "bath towel": ("bath towels", "Home & Kitchen › Bath › Towels › Bath Towels",
                       {"color": COLORS, "size": ("set of 2", "set of 4", "set of 6")},
                       ("100% cotton", "quick drying", "highly absorbent", "machine washable", "super soft")),
        "desk lamp": ("desk lamps", "Tools & Home Improvement › Lighting & Ceiling Fans › Lamps & Shades › "
                      "Desk Lamps", {"color": ("black", "white", "silver", "gold")},
                      ("eye caring", "touch control", "dimmable light", "usb charging", "adjustable arm")),
        "garden hose": ("garden hoses", "Patio, Lawn & Garden › Watering Equipment › Garden Hoses",
                        {"size": ("25 ft", "50 ft", "75 ft", "100 ft")},
                        ("leak proof", "heavy duty", "lightweight", "expandable", "brass fittings")),
        "shower curtain": ("shower curtains", "Home & Kitchen › Bath › Shower Curtains, Hooks & Liners",
                           {"color": COLORS, "size": ("72x72 inch", "72x84 inch")},
                           ("water resistant", "machine washable", "hooks included", "mildew resistant")),
    },
    "grocery": {
        "coffee": ("ground coffee", "Grocery & Gourmet Food › Beverages › Coffee, Tea & Cocoa › Coffee › "
                   "Ground Coffee", {"flavor name": ("original", "french vanilla", "hazelnut", "mocha"),
                                     "size": ("12 ounce", "24 ounce", "32 ounce")},
                   ("medium roast", "dark roast", "fair trade", "100% arabica", "resealable bag")),
        "protein bar": ("protein bars", "Grocery & Gourmet Food › Snacks & Sweets › Bars › Protein Bars",
                        {"flavor name": ("chocolate chip", "peanut butter", "cookie dough", "salted caramel"),
                         "size": ("12 count", "18 count", "24 count")},
                        ("gluten free", "low sugar", "high protein", "non gmo", "keto friendly")),
        "green tea": ("green tea", "Grocery & Gourmet Food › Beverages › Coffee, Tea & Cocoa › Tea › Green",
                      {"flavor name": ("jasmine", "mint", "lemon ginger", "classic"),
                       "size": ("20 count", "40 count", "100 count")},
                      ("caffeine free", "usda organic", "non gmo", "individually wrapped", "natural ingredients")),
        "olive oil": ("olive oils", "Grocery & Gourmet Food › Pantry Staples › Cooking Oils › Olive Oil",
                      {"size": ("16.9 fl oz", "25.4 fl oz", "33.8 fl oz")},
                      ("extra virgin", "cold pressed", "usda organic", "glass bottle", "non gmo")),
        "beef jerky": ("beef jerky", "Grocery & Gourmet Food › Meat & Seafood › Jerky & Dried Meats › Beef Jerky",
                       {"flavor name": ("original", "teriyaki", "peppered", "sweet & hot")},
                       ("high protein", "gluten free", "grass fed", "low fat", "resealable bag")),
        "honey": ("raw honey", "Grocery & Gourmet Food › Pantry Staples › Jams, Jellies & Sweet Spreads › Honey",
                  {"size": ("12 ounce", "16 ounce", "32 ounce")},
                  ("raw unfiltered", "usda organic", "non gmo", "glass jar", "gluten free")),
    },
}

# Price ranges (low, high) in dollars per category, so that the grid of price bounds varies.
PRICE_RANGES = {"fashion": (8.0, 90.0), "beauty": (5.0, 120.0), "electronics": (9.0, 400.0),
                "garden": (10.0, 900.0), "grocery": (3.0, 60.0)}

BRAND_PARTS_A = ("Nor", "Vel", "Quin", "Ast", "Bri", "Cor", "Dal", "Ely", "Fen", "Gal", "Hal", "Iso",
                 "Jun", "Kel", "Lum", "Mar", "Nov", "Orl", "Pel", "Ros", "Sol", "Tam", "Ulv", "Ver",
                 "Wyn", "Zel")
BRAND_PARTS_B = ("dale", "ora", "ix", "wave", "stone", "field", "moor", "lux", "ette", "ton", "via",
                 "crest", "ova", "line", "brook", "mere")

# Title modifiers (kept apart from attributes so that titles do not leak every attribute).
TITLE_MODIFIERS = ("Premium", "Classic", "Everyday", "Deluxe", "Essential", "Pro", "Lite", "Signature",
                   "Original", "Modern", "Vintage", "Ultra")
AUDIENCES = ("for Men", "for Women", "for Kids", "Unisex", "for Home", "for Travel", "for Office", "")

DESCRIPTION_TEMPLATES = (
    "This {noun} from {brand} is made for people who care about {attr0}. {attr1_cap} makes it a "
    "reliable everyday choice.",
    "{brand} designed the {modifier} {noun} with {attr0} and {attr1} in mind. Backed by our "
    "satisfaction guarantee.",
    "Meet the {noun} you will reach for every day: {attr0}, {attr1}, and a design that lasts.",
    "",
)
BULLET_TEMPLATES = (
    "{attr_cap}: thoughtfully engineered for daily use",
    "Why you will love it - {attr}",
    "{attr_cap} | tested by our quality team",
    "Designed around {attr} for lasting comfort",
    "Package includes one {noun} from {brand}",
    "Customer service: 30-day returns, no questions asked",
)
REVIEW_TITLES = ("Great value", "Exactly as described", "Not bad", "Would buy again", "Disappointed",
                 "Works well", "Five stars", "Okay for the price")
REVIEW_BODIES = (
    "I bought this {noun} last month and the {attr} really shows.",
    "The {noun} arrived quickly. {attr_cap} as promised.",
    "Decent {noun}, though I expected more from the {attr}.",
    "My second {noun} from {brand}; still happy.",
)

INSTRUCTION_TEMPLATES = (
    "i am looking for a {noun} that is {attrs}",
    "i need a {noun} with {attrs}",
    "find me a {attrs} {noun}",
    "i want to buy a {noun} which is {attrs}",
    "i would like a {noun} that has {attrs}",
    "get me a {noun}, {attrs}",
)
OPTION_PHRASES = {"color": "in {v}", "size": "in size {v}", "style": "in the {v} style",
                  "flavor name": "in {v} flavor"}
