/*
 * The token filters of Elasticsearch's "analysis-common" module that the search index needs, for
 * the local node (deploy/engines/elasticsearch.py).
 *
 * The 8.x distribution on Maven Central (integ-test-zip) leaves analysis-common out, so index
 * settings naming `porter_stem`, `asciifolding` or `synonym_graph` are refused there.  This plugin
 * registers them under the same names and with the same parameters as analysis-common, so the one
 * set of index settings works here and on a stock Elasticsearch (which must NOT get this plugin:
 * the names would clash).  The Lucene classes come from lucene-analysis-common, which the
 * distribution ships in lib/ even without the module.
 *
 * Core already has `stop` (with `_english_`) as a filter type and `lowercase` as a pre-configured
 * filter, but not `lowercase` as a type; so `lowercase` is registered as a type only.
 */
package org.vmp.engines.es;

import java.io.IOException;
import java.io.StringReader;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.Plugin;

public class AnalysisPlugin extends Plugin implements org.elasticsearch.plugins.AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "lowercase", LowerCaseFactory::new,
            "porter_stem", PorterStemFactory::new,
            "asciifolding", AsciiFoldingFactory::new,
            // Without `synonyms` there is nothing to build: ES must not instantiate it by default.
            "synonym_graph", org.elasticsearch.plugins.AnalysisPlugin.requiresAnalysisSettings(SynonymGraphFactory::new)
        );
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        // So that `"filter": ["porter_stem"]` works by name without an index, as with analysis-common.
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new)
        );
    }

    /** `lowercase`, with analysis-common's optional `language` (greek, irish, turkish). */
    static final class LowerCaseFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final String language;

        LowerCaseFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            this.language = settings.get("language");
            if (language != null && !List.of("greek", "irish", "turkish").contains(language)) {
                throw new IllegalArgumentException("language [" + language + "] not support for lower case");
            }
        }

        @Override
        public TokenStream create(TokenStream stream) {
            if (language == null) {
                return new LowerCaseFilter(stream);
            }
            return switch (language) {
                case "greek" -> new GreekLowerCaseFilter(stream);
                case "irish" -> new IrishLowerCaseFilter(stream);
                default -> new TurkishLowerCaseFilter(stream);
            };
        }
    }

    /** `porter_stem`: no parameters. */
    static final class PorterStemFactory extends AbstractTokenFilterFactory {
        PorterStemFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public TokenStream create(TokenStream stream) {
            return new PorterStemFilter(stream);
        }
    }

    /** `asciifolding`, with `preserve_original` (default false). */
    static final class AsciiFoldingFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFoldingFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            this.preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream stream) {
            return new ASCIIFoldingFilter(stream, preserveOriginal);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            // As analysis-common: keeping both forms would turn every synonym rule into two.
            return preserveOriginal ? IDENTITY_FILTER : this;
        }

        @Override
        public TokenStream normalize(TokenStream stream) {
            return new ASCIIFoldingFilter(stream, false);
        }
    }

    /**
     * `synonym_graph` with inline Solr-format `synonyms`, `expand` (default true) and `lenient`
     * (default false).  As in analysis-common, the rules are analysed with the tokenizer and the
     * filters that come before this one in the analyzer (so "Older People" in a rule meets the
     * lower-cased, folded text it must match); `synonyms_path` and `updateable` are not supported.
     */
    static final class SynonymGraphFactory extends AbstractTokenFilterFactory {
        private final List<String> rules;
        private final boolean expand;
        private final boolean lenient;
        private final SynonymMap map;

        SynonymGraphFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            this(name, settings, null);
        }

        private SynonymGraphFactory(String name, Settings settings, SynonymMap map) {
            super(name, settings);
            if (settings.get("synonyms_path") != null || settings.get("synonyms_set") != null) {
                throw new IllegalArgumentException("[" + name + "]: only inline `synonyms` are supported (vmp-analysis)");
            }
            if (settings.getAsList("synonyms", null) == null) {
                throw new IllegalArgumentException("synonym requires either `synonyms`, `synonyms_set` or `synonyms_path` to be configured");
            }
            this.rules = settings.getAsList("synonyms");
            this.expand = settings.getAsBoolean("expand", true);
            this.lenient = settings.getAsBoolean("lenient", false);
            this.map = map;
        }

        @Override
        public TokenStream create(TokenStream stream) {
            if (map == null) {
                throw new IllegalStateException("[" + name() + "] used outside an analyzer chain");
            }
            // An empty map would make SynonymGraphFilter throw; no rules means no change.
            return map.fst == null ? stream : new SynonymGraphFilter(stream, map, false);
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
            IndexCreationContext context,
            TokenizerFactory tokenizer,
            List<CharFilterFactory> charFilters,
            List<TokenFilterFactory> previousTokenFilters,
            Function<String, TokenFilterFactory> allFilters
        ) {
            Analyzer ruleAnalyzer = new CustomAnalyzer(
                tokenizer,
                charFilters.toArray(new CharFilterFactory[0]),
                previousTokenFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
            );
            return new SynonymGraphFactory(name(), settingsFor(), build(ruleAnalyzer));
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            // Synonym rules are never themselves rewritten by an earlier synonym filter.
            return IDENTITY_FILTER;
        }

        private Settings settingsFor() {
            return Settings.builder().putList("synonyms", rules).put("expand", expand).put("lenient", lenient).build();
        }

        private SynonymMap build(Analyzer ruleAnalyzer) {
            try {
                LenientSolrParser parser = new LenientSolrParser(expand, lenient, ruleAnalyzer);
                parser.parse(new StringReader(String.join("\n", rules)));
                return parser.build();
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("failed to build synonyms for [" + name() + "]: " + e.getMessage(), e);
            }
        }
    }

    /** Solr rules; when lenient, a rule the analyzer cannot handle is skipped, not fatal. */
    static final class LenientSolrParser extends SolrSynonymParser {
        private final boolean lenient;

        LenientSolrParser(boolean expand, boolean lenient, Analyzer analyzer) {
            super(true, expand, analyzer);
            this.lenient = lenient;
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient) {
                    return new CharsRef("");
                }
                throw e;
            }
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (!lenient || (input.length > 0 && output.length > 0)) {
                super.add(input, output, includeOrig);
            }
        }
    }
}
