import Foundation
import Learn
import TestSupport
import Testing

@Suite struct TFIDFTests {
    @Test func threeDocumentsByHand() throws {
        // n = 3; df: apple 1, banana 2, cherry 2, date 1 ("a" is one character, dropped).
        let docs = ["Apple banana apple", "banana, cherry!", "cherry a cherry date"]
        let model = try TFIDF().fit(docs)
        #expect(model.terms == ["apple", "banana", "cherry", "date"])
        #expect(model.documentFrequencies == [1, 2, 2, 1])
        let idf1 = log(4.0 / 2.0) + 1  // (1 + 3) / (1 + 1)
        let idf2 = log(4.0 / 3.0) + 1  // (1 + 3) / (1 + 2)
        #expect(model.idf == [idf1, idf2, idf2, idf1])
        let x = model.transform(docs)
        // Row 0: apple 2·idf1, banana 1·idf2, over their L2 norm.
        let n0 = (4 * idf1 * idf1 + idf2 * idf2).squareRoot()
        #expect(abs(x.value(row: 0, column: 0) - 2 * idf1 / n0) < 1e-15)
        #expect(abs(x.value(row: 0, column: 1) - idf2 / n0) < 1e-15)
        // Row 1: banana and cherry, equal weights 1/√2.
        #expect(abs(x.value(row: 1, column: 1) - 0.5.squareRoot()) < 1e-15)
        #expect(abs(x.value(row: 1, column: 2) - 0.5.squareRoot()) < 1e-15)
        // Row 2: cherry 2·idf2, date idf1.
        let n2 = (4 * idf2 * idf2 + idf1 * idf1).squareRoot()
        #expect(abs(x.value(row: 2, column: 2) - 2 * idf2 / n2) < 1e-15)
        #expect(abs(x.value(row: 2, column: 3) - idf1 / n2) < 1e-15)
        #expect(x.nonZeroCount == 6)
        // Unsmoothed, sublinear, unnormalised: apple tf 2 → (1 + ln 2)·(ln(3/1) + 1).
        let raw = try TFIDF(.init(sublinearTF: true, smoothIDF: false, normalise: false)).fit(docs)
        #expect(raw.idf == [log(3.0) + 1, log(1.5) + 1, log(1.5) + 1, log(3.0) + 1])
        #expect(raw.transform(docs).value(row: 0, column: 0) == (log(2.0) + 1) * (log(3.0) + 1))
    }

    @Test(arguments: [
        ("Hello, world! It's 2024.", ["hello", "world", "it", "2024"]),
        ("don't stop_me now a b c", ["don", "stop_me", "now"]),
        ("Café CRÈME brûlée", ["café", "crème", "brûlée"]),
        ("cafe\u{301}", ["cafe"]),  // a combining mark is not \w in Python
        ("東京タワー 株式会社", ["東京タワー", "株式会社"]),
        ("ΟΔΟΣ Σα", ["οδος", "σα"]),  // final sigma, as str.lower()
        ("x1 9 ab-cd", ["x1", "ab", "cd"]),
    ])
    func tokeniser(text: String, expected: [String]) {
        #expect(TFIDF.tokens(in: text) == expected)
    }

    @Test func validation() {
        #expect(throws: TFIDF.Failure.invalidParameter(name: "min_df", expected: "≥ 1", got: "0")) {
            try TFIDF.Configuration(minDF: 0).validate()
        }
        #expect(
            "\(TFIDF.Failure.invalidParameter(name: "min_df", expected: "≥ 1", got: "0"))"
                == "TF-IDF min_df must be ≥ 1, got 0")
        #expect(throws: TFIDF.Failure.self) { try TFIDF.Configuration(maxDF: 1.5).validate() }
        #expect(throws: TFIDF.Failure.emptyVocabulary(documents: 2)) { try TFIDF().fit(["a b", "c; d"]) }
        #expect(throws: TFIDF.Failure.emptyVocabulary(documents: 1)) {
            try TFIDF(.init(stopWords: ["the", "and"])).fit(["the and"])
        }
    }

    static let corpus = [
        "Organic Café Latte 250g — smooth, creamy coffee", "Espresso beans 1kg, dark roast, Café blend",
        "Crème brûlée dessert kit for 4", "Stainless steel coffee grinder with 15 settings",
        "Green tea (matcha) 100g, ceremonial grade", "Earl Grey tea bags ×50, bergamot flavour",
        "Ceramic mug 350ml — white", "Ceramic MUG 350ml - blue and white",
        "Milk frother: electric, USB rechargeable", "Oat milk barista edition 1L",
        "Almond milk unsweetened 1L", "Dark chocolate 85% cocoa, fair trade",
        "Milk chocolate with hazelnuts", "Chocolate chip cookies, pack of 12",
        "Français: pain au chocolat (x6)", "Jalapeño crisps, sea salt & lime",
        "Sea salt caramel sauce", "Naïve art poster, 50×70 cm", "Kaffeemaschine für Büro und Küche",
        "Coffee filter papers size 4, pack of 100", "French press 1L glass and steel",
        "Cold brew coffee concentrate 500ml", "Decaf coffee beans 500g, Swiss water process",
        "Herbal tea: chamomile & mint", "Tea infuser, stainless steel, reusable",
        "Reusable coffee cup, bamboo fibre", "Gift set: mug, tea and chocolate",
        "Travel mug, thermal, 450ml", "Espresso cups ×2, ceramic, Café style", "Hot chocolate powder, 500g tin",
    ]

    @Test(
        .enabled(if: (try? PythonScript.run("import sklearn")) != nil, "scikit-learn is not installed"),
        arguments: [
            TFIDF.Configuration(),
            TFIDF.Configuration(stopWords: TFIDF.englishStopWords, minDF: 2, maxDF: 0.5, sublinearTF: true),
            TFIDF.Configuration(lowercase: false, minDF: 1, maxDF: 0.9, smoothIDF: false),
            TFIDF.Configuration(stopWords: TFIDF.englishStopWords, normalise: false),
        ])
    func agreesWithScikitLearn(configuration: TFIDF.Configuration) throws {
        let dir = TemporaryDirectory("tfidf")
        defer { dir.remove() }
        let input: [String: Any] = [
            "docs": Self.corpus, "stop": configuration.stopWords.sorted(), "lowercase": configuration.lowercase,
            "min_df": configuration.minDF, "max_df": configuration.maxDF, "sublinear": configuration.sublinearTF,
            "smooth": configuration.smoothIDF, "norm": configuration.normalise,
        ]
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: dir.file("in.json")))
        let script = """
            import json, sys
            from sklearn.feature_extraction.text import TfidfVectorizer
            a = json.load(open(sys.argv[1], encoding="utf-8"))
            v = TfidfVectorizer(lowercase=a["lowercase"], stop_words=a["stop"] or None, min_df=a["min_df"],
                                max_df=float(a["max_df"]), sublinear_tf=a["sublinear"], smooth_idf=a["smooth"],
                                norm="l2" if a["norm"] else None)
            x = v.fit_transform(a["docs"]).tocoo()
            print(json.dumps({"terms": list(v.get_feature_names_out()), "idf": v.idf_.tolist(),
                              "cells": [[int(r), int(c), float(w)] for r, c, w in zip(x.row, x.col, x.data)]}))
            """
        let output = try PythonScript.run(script, arguments: [dir.file("in.json")])
        let reference = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let (model, x) = try TFIDF(configuration).fitTransform(Self.corpus)
        // Vocabulary identical, in the same order; idf and weights to 1e-12 (log and sqrt may differ
        // by an ulp between libm builds, and summation order is the same).
        #expect(model.terms == reference["terms"] as! [String])
        let idf = reference["idf"] as! [Double]
        #expect(idf.count == model.idf.count)
        let idfError = zip(idf, model.idf).map { abs($0 - $1) }.max() ?? 0
        #expect(idfError < 1e-12)
        let cells = reference["cells"] as! [[Double]]
        #expect(cells.count == x.nonZeroCount)
        var weightError = 0.0
        for cell in cells {
            weightError = max(weightError, abs(x.value(row: Int(cell[0]), column: Int(cell[1])) - cell[2]))
        }
        #expect(weightError < 1e-12)
        print(
            "TFIDF sklearn agreement: \(model.terms.count) terms, \(cells.count) weights, "
                + "max idf error \(idfError), max weight error \(weightError)")
    }
}
