package org.chimp.tracking.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/** Splits a filter or order_by term into tokens; quoting follows MLflow (backticks or double quotes around keys). */
final class Lexer {
    enum Kind { IDENT, STRING, NUMBER, OP, KEYWORD, LPAREN, RPAREN, COMMA }

    /**
     * @param text   the token as written; for IDENT the entity prefix, for STRING the unquoted value
     * @param key    for IDENT with a prefix, the (unquoted) key after the dot, else null
     */
    record Token(Kind kind, String text, String key) {
        boolean is(Kind k, String t) {
            return kind == k && text.equalsIgnoreCase(t);
        }
    }

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "LIKE", "ILIKE", "IN", "NOT", "ASC", "DESC", "IS", "NULL");

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final String src;
    private int pos;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String src) {
        Lexer l = new Lexer(src);
        List<Token> out = new ArrayList<>();
        for (Token t = l.next(); t != null; t = l.next()) {
            out.add(t);
        }
        return out;
    }

    private Token next() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
        if (pos >= src.length()) {
            return null;
        }
        char c = src.charAt(pos);
        if (c == '\'' || c == '"') {
            return new Token(Kind.STRING, quoted(c), null);
        }
        if (c == '(' || c == ')' || c == ',') {
            pos++;
            return new Token(c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : Kind.COMMA, String.valueOf(c), null);
        }
        if ("=!<>".indexOf(c) >= 0) {
            return operator();
        }
        if (Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && pos + 1 < src.length()
                && (Character.isDigit(src.charAt(pos + 1)) || src.charAt(pos + 1) == '.'))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            return word();
        }
        throw error("unexpected character '" + c + "' at position " + pos);
    }

    private Token operator() {
        for (String op : List.of("<=", ">=", "!=", "<>", "=", "<", ">")) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return new Token(Kind.OP, op.equals("<>") ? "!=" : op, null);
            }
        }
        throw error("unexpected character '" + src.charAt(pos) + "' at position " + pos);
    }

    private Token number() {
        Matcher m = NUMBER.matcher(src).region(pos, src.length());
        if (!m.lookingAt()) {
            throw error("malformed number at position " + pos);
        }
        pos = m.end();
        return new Token(Kind.NUMBER, m.group(), null);
    }

    private Token word() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        String word = src.substring(start, pos);
        if (pos < src.length() && src.charAt(pos) == '.') {
            pos++;
            return new Token(Kind.IDENT, word, key());
        }
        String upper = word.toUpperCase(Locale.ROOT);
        return KEYWORDS.contains(upper) ? new Token(Kind.KEYWORD, upper, null) : new Token(Kind.IDENT, word, null);
    }

    /** The key after {@code prefix.}: quoted with backticks or double quotes, or bare up to a space or an operator. */
    private String key() {
        if (pos < src.length() && (src.charAt(pos) == '`' || src.charAt(pos) == '"')) {
            return quoted(src.charAt(pos));
        }
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || "_.-/:".indexOf(src.charAt(pos)) >= 0)) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a key after '" + src.substring(0, start) + "'; quote keys with special characters in backticks");
        }
        return src.substring(start, pos);
    }

    /** A quoted text; the quote character is escaped by doubling it or with a backslash. */
    private String quoted(char quote) {
        int start = pos;
        StringBuilder out = new StringBuilder();
        pos++;
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == '\\' && pos < src.length() && src.charAt(pos) == quote) {
                out.append(quote);
                pos++;
            } else if (c == quote) {
                if (pos < src.length() && src.charAt(pos) == quote) {
                    out.append(quote);
                    pos++;
                } else {
                    return out.toString();
                }
            } else {
                out.append(c);
            }
        }
        throw error("the quote opened at position " + start + " is never closed");
    }

    private ClientErrorException error(String what) {
        return SearchParser.invalid(src, what);
    }
}
