package dev.roundtrip.spring.autoconfigure;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code roundtrip.transport.*} that would be silently ignored, or is out of range, fails
 * startup with Boot's failure-analysis report: the full property, the file and line it
 * came from, and what to write instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class RoundtripPropertiesCheckTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RoundtripTransportAutoConfiguration.class, RoundtripMetricsAutoConfiguration.class));

	@Test
	void anUnknownKeyFailsStartupNamingItsFileLineAndTheNearestValidName() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/typo.properties");
		assertThat(analysis.getDescription())
			.contains("Property: roundtrip.transport.max-conn-per-host\n"
					+ "    Origin:   class path resource [roundtrip/typo.properties] - 2:")
			.contains(
					"Reason:   no such property, so it would be ignored; did you mean roundtrip.transport.max-conns-per-host?");
	}

	@Test
	void anUnknownKeyInsideAHostEntryIsNamedWithTheNearestPerHostSetting() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/typo.properties");
		assertThat(analysis.getDescription())
			.contains("Property: roundtrip.transport.hosts.[localhost:8080].max-conn-per-host\n"
					+ "    Origin:   class path resource [roundtrip/typo.properties] - 3:")
			.contains("did you mean roundtrip.transport.hosts.[localhost:8080].max-conns-per-host?");
	}

	@Test
	void aPerHostKeyWithoutBracketsGetsAHintToWriteThem() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/no-brackets.properties");
		assertThat(analysis.getDescription())
			.contains("Property: roundtrip.transport.hosts.api.example.com:443.max-conns-per-host\n"
					+ "    Origin:   class path resource [roundtrip/no-brackets.properties] - 1:")
			.contains("write roundtrip.transport.hosts.[api.example.com:443].<setting>")
			.contains("Property: roundtrip.transport.hosts.localhost.max-conns-per-host")
			.contains("needs brackets around host:port");
	}

	@Test
	void twoKeysForOneHostDifferingOnlyInCaseNameBothAndWhereTheyComeFrom() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/case.properties");
		assertThat(analysis.getDescription()).contains("Property: roundtrip.transport.hosts.[api.example.com:443]")
			.contains("[API.example.com:443] (class path resource [roundtrip/case.properties] - 1:")
			.contains("[api.example.com:443] (class path resource [roundtrip/case.properties] - 2:");
	}

	@Test
	void aNegativeMetricsMaxDestinationsFailsWithTheFullPropertyNotAStackTrace() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/metrics.properties");
		assertThat(analysis.getDescription())
			.contains("Property: roundtrip.transport.metrics.max-destinations\n"
					+ "    Origin:   class path resource [roundtrip/metrics.properties] - 1:")
			.contains("must be 0 (every destination counted under server.address=other) or more, was -1");
	}

	@Test
	void aValueTheTransportRefusesIsReportedWithItsOrigin() {
		FailureAnalysis analysis = failureAnalysis("roundtrip/value.properties");
		assertThat(analysis.getDescription())
			.contains("Property: roundtrip.transport.max-idle-conns\n"
					+ "    Origin:   class path resource [roundtrip/value.properties] - 1:")
			.contains("Reason:   must be 0 (no cap) or more, was -1");
		assertThat(analysis.getAction()).contains("docs/properties.md");
	}

	@Test
	void everyValidSpellingOfEveryKindOfKeyStarts() {
		this.runner.withInitializer((context) -> load(context, "roundtrip/valid.properties")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Transport.class).settings().maxConnsPerHost()).isEqualTo(3);
		});
	}

	@Test
	void aSpringApplicationPrintsTheAnalysisInsteadOfAStackTrace(CapturedOutput output) {
		SpringApplication application = new SpringApplication(TypoApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application
			.run("--spring.config.location=classpath:roundtrip/typo.properties", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: roundtrip.transport.max-conn-per-host")
			.contains("did you mean roundtrip.transport.max-conns-per-host?")
			.doesNotContain("\tat org.springframework.beans.factory");
	}

	@Test
	void typosAreCaughtWhenTheNameIsCloseAndNotOtherwise() {
		assertThat(RoundtripPropertiesCheck.levenshtein("max-conn-per-host", "max-conns-per-host")).isEqualTo(1);
		assertThat(RoundtripPropertiesCheck.nearest("completely-different-thing", List
			.of(org.springframework.boot.context.properties.source.ConfigurationPropertyName.of("dial-timeout"))))
			.isNull();
	}

	private FailureAnalysis failureAnalysis(String file) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.runner.withInitializer((context) -> load(context, file)).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new RoundtripPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("a failure analysis").isNotNull();
		return analysis[0];
	}

	private static void load(ConfigurableApplicationContext context, String file) {
		try {
			for (PropertySource<?> source : new PropertiesPropertySourceLoader().load(file,
					new ClassPathResource(file))) {
				context.getEnvironment().getPropertySources().addFirst(source);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TypoApplication {

	}

}
