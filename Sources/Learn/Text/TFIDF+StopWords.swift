extension TFIDF {
    /// Common English function words (articles, pronouns, prepositions, auxiliaries and modals,
    /// conjunctions, determiners and a few frequent adverbs), all lower case and at least two
    /// characters long, since one-character tokens never reach the stop-word test.
    ///
    /// Compiled for this project; pass it as `stopWords` with `lowercase` on.
    public static let englishStopWords: Set<String> = [
        // Articles and determiners.
        "an", "the", "this", "that", "these", "those", "each", "every", "either", "neither", "any",
        "some", "no", "none", "all", "both", "few", "many", "much", "more", "most", "less", "least",
        "other", "another", "such", "own", "same", "several",
        // Personal, possessive, reflexive and relative pronouns.
        "he", "she", "it", "we", "you", "they", "me", "him", "her", "us", "them", "my", "mine",
        "your", "yours", "his", "hers", "its", "our", "ours", "their", "theirs", "myself",
        "yourself", "himself", "herself", "itself", "ourselves", "yourselves", "themselves", "who",
        "whom", "whose", "which", "what", "whatever", "whoever",
        // Prepositions.
        "about", "above", "across", "after", "against", "along", "among", "around", "at", "before",
        "behind", "below", "beneath", "beside", "between", "beyond", "by", "down", "during",
        "except", "for", "from", "in", "inside", "into", "near", "of", "off", "on", "onto", "out",
        "outside", "over", "past", "per", "since", "through", "throughout", "till", "to", "toward",
        "towards", "under", "until", "up", "upon", "via", "with", "within", "without",
        // Auxiliaries and modals.
        "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having",
        "do", "does", "did", "doing", "done", "can", "could", "may", "might", "must", "shall",
        "should", "will", "would", "ought",
        // Conjunctions.
        "and", "but", "or", "nor", "so", "yet", "if", "then", "than", "because", "although",
        "though", "while", "whereas", "unless", "whether", "as", "once", "when", "whenever", "where",
        "wherever", "why", "how",
        // Frequent adverbs and particles.
        "not", "very", "too", "also", "just", "only", "even", "again", "already", "still", "ever",
        "never", "here", "there", "now", "often", "quite", "rather", "almost", "perhaps", "instead",
    ]
}
