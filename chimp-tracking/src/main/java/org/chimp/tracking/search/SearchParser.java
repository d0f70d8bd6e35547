package org.chimp.tracking.search;

import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.search.Lexer.Kind;
import org.chimp.tracking.search.Lexer.Token;

/**
 * Parses MLflow's search syntax: a filter is comparisons joined by AND ({@code metrics.acc > 0.9 AND params.lr = '0.1'}),
 * an order_by term is an identifier with an optional ASC / DESC. Identifiers without a prefix are attributes
 * ({@code name LIKE 'a%'}). What a key or operator means for a resource is checked when compiling, not here.
 */
public final class SearchParser {
    /** Longest filter accepted: a filter is typed or generated from a UI, not a bulk data channel. */
    public static final int MAX_FILTER_LENGTH = 64 << 10;
    /** Most comparisons joined by AND in one filter. */
    public static final int MAX_COMPARISONS = 100;
    /** Most values in one IN list; each becomes a bind parameter, and databases cap those. */
    public static final int MAX_IN_VALUES = 1000;
    /** Most order_by terms. */
    public static final int MAX_ORDER_TERMS = 20;

    private final String src;
    private final List<Token> tokens;
    private int pos;

    private SearchParser(String src) {
        if (src.length() > MAX_FILTER_LENGTH) {
            throw ClientErrorException.invalid("The search expression has " + src.length() + " characters; at most "
                    + MAX_FILTER_LENGTH + " are accepted. Narrow it, or search in several requests");
        }
        this.src = src;
        this.tokens = Lexer.tokens(src);
    }

    /** The comparisons of a filter; empty for a null or blank filter. */
    public static List<Comparison> filter(String filter) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        return new SearchParser(filter).comparisons();
    }

    /** The terms of an order_by list, each like {@code metrics.acc DESC} or {@code name}. */
    public static List<OrderTerm> orderBy(List<String> orderBy) {
        List<OrderTerm> out = new ArrayList<>();
        if (orderBy.size() > MAX_ORDER_TERMS) {
            throw ClientErrorException.invalid("At most " + MAX_ORDER_TERMS + " order_by terms are accepted, got " + orderBy.size());
        }
        for (String term : orderBy) {
            if (term != null && !term.isBlank()) {
                out.add(new SearchParser(term).orderTerm());
            }
        }
        return out;
    }

    private List<Comparison> comparisons() {
        List<Comparison> out = new ArrayList<>();
        out.add(comparison());
        while (pos < tokens.size()) {
            Token t = next("AND");
            if (t.is(Kind.KEYWORD, "OR")) {
                throw invalid(src, "OR is not supported; MLflow filters join comparisons with AND only");
            }
            if (!t.is(Kind.KEYWORD, "AND")) {
                throw invalid(src, "expected AND before '" + t.text() + "'");
            }
            if (out.size() == MAX_COMPARISONS) {
                throw ClientErrorException.invalid("The filter joins more than " + MAX_COMPARISONS + " comparisons; narrow it");
            }
            out.add(comparison());
        }
        return out;
    }

    private Comparison comparison() {
        Token id = next("an identifier such as metrics.acc");
        if (id.kind() != Kind.IDENT) {
            throw invalid(src, "expected an identifier such as metrics.acc, params.lr or tags.x, got '" + id.text() + "'");
        }
        Op op = op();
        List<Object> values = op.takesList() ? list() : List.of(value(next("a value")));
        return identifier(id, (entity, key) -> new Comparison(entity, key, op, values));
    }

    private Op op() {
        Token t = next("a comparison operator");
        if (t.kind() == Kind.OP) {
            return switch (t.text()) {
                case "=" -> Op.EQ;
                case "!=" -> Op.NE;
                case "<" -> Op.LT;
                case "<=" -> Op.LE;
                case ">" -> Op.GT;
                default -> Op.GE;
            };
        }
        if (t.is(Kind.KEYWORD, "LIKE")) {
            return Op.LIKE;
        }
        if (t.is(Kind.KEYWORD, "ILIKE")) {
            return Op.ILIKE;
        }
        if (t.is(Kind.KEYWORD, "IN")) {
            return Op.IN;
        }
        if (t.is(Kind.KEYWORD, "NOT")) {
            Token in = next("IN");
            if (in.is(Kind.KEYWORD, "IN")) {
                return Op.NOT_IN;
            }
        }
        throw invalid(src, "'" + t.text() + "' is not a comparison operator; use =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN");
    }

    private List<Object> list() {
        if (next("(").kind() != Kind.LPAREN) {
            throw invalid(src, "IN and NOT IN need a parenthesized list such as ('a', 'b')");
        }
        List<Object> values = new ArrayList<>();
        while (true) {
            if (values.size() == MAX_IN_VALUES) {
                throw ClientErrorException.invalid("An IN list may hold at most " + MAX_IN_VALUES
                        + " values; split the search into several requests");
            }
            values.add(value(next("a value")));
            Token t = next(") or ,");
            if (t.kind() == Kind.RPAREN) {
                return values;
            }
            if (t.kind() != Kind.COMMA) {
                throw invalid(src, "expected ',' or ')' in the IN list, got '" + t.text() + "'");
            }
        }
    }

    private Object value(Token t) {
        if (t.kind() == Kind.STRING) {
            return t.text();
        }
        if (t.kind() == Kind.NUMBER) {
            String n = t.text();
            try {
                return n.matches("[-+]?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
            } catch (NumberFormatException e) {
                return Double.parseDouble(n);
            }
        }
        throw invalid(src, "expected a quoted string or a number, got '" + t.text() + "'");
    }

    private OrderTerm orderTerm() {
        Token id = next("an identifier");
        if (id.kind() != Kind.IDENT) {
            throw invalid(src, "an order_by term is an identifier such as metrics.acc, optionally followed by ASC or DESC");
        }
        boolean ascending = true;
        if (pos < tokens.size()) {
            Token dir = tokens.get(pos++);
            if (dir.is(Kind.KEYWORD, "DESC")) {
                ascending = false;
            } else if (!dir.is(Kind.KEYWORD, "ASC")) {
                throw invalid(src, "expected ASC or DESC after the identifier, got '" + dir.text() + "'");
            }
        }
        if (pos < tokens.size()) {
            throw invalid(src, "unexpected '" + tokens.get(pos).text() + "' after the sort direction");
        }
        boolean asc = ascending;
        return identifier(id, (entity, key) -> new OrderTerm(entity, key, asc));
    }

    private interface Identified<T> {
        T of(Entity entity, String key);
    }

    private static <T> T identifier(Token id, Identified<T> make) {
        return id.key() == null ? make.of(Entity.ATTRIBUTE, id.text()) : make.of(Entity.ofPrefix(id.text()), id.key());
    }

    private Token next(String expected) {
        if (pos >= tokens.size()) {
            throw invalid(src, "it ends where " + expected + " was expected");
        }
        return tokens.get(pos++);
    }

    static ClientErrorException invalid(String src, String why) {
        String shown = src.length() > 200 ? src.substring(0, 200) + "…" : src;
        return ClientErrorException.invalid("Invalid search expression '" + shown + "': " + why);
    }
}
