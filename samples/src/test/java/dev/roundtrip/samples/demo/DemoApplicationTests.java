package dev.roundtrip.samples.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.roundtrip.transport.CloseReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's experiment, run as the application starts: the numbers of its table that do
 * not depend on when the garbage collector runs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DemoApplicationTests {

	@Autowired
	ExperimentReport report;

	@ParameterizedTest
	@ValueSource(strings = { "auto", "ka-read-close", "ka-read", "idle-reuse" })
	void readingEveryBodyToItsEndUsesOneConnection(String name) {
		assertThat(this.report.row(name).opened()).isEqualTo(1);
		assertThat(this.report.row(name).dialed()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "off-read-close", "off-read", "off-close", "off-leak", "off-leak-gc" })
	void withKeepAlivesOffEveryRequestHasItsOwnConnection(String name) {
		assertThat(this.report.row(name).opened()).isEqualTo(ConnectionExperiment.REQUESTS);
	}

	@Test
	void closingAnUnreadSmallBodyDrainsItSoTheConnectionIsReused() {
		assertThat(this.report.row("ka-close").opened()).isEqualTo(1);
		assertThat(this.report.row("ka-close-nodrain").opened()).isEqualTo(ConnectionExperiment.REQUESTS);
		assertThat(this.report.row("ka-close-nodrain").closed()).containsEntry(CloseReason.EARLY_BODY_CLOSE,
				ConnectionExperiment.REQUESTS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "ka-leak", "ka-leak-gc" })
	void aResponseNeitherReadNorClosedNeverGivesItsConnectionToAnother(String name) {
		assertThat(this.report.row(name).opened()).isEqualTo(ConnectionExperiment.REQUESTS);
	}

	@Test
	void connectionsIdleLongerThanTheTimeoutAreNotReused() {
		assertThat(this.report.row("idle-expire").opened()).isEqualTo(ConnectionExperiment.REQUESTS);
	}

	@Test
	void aCanceledRequestsConnectionIsClosedNotPooled() {
		assertThat(this.report.row("cancel").opened()).isEqualTo(2);
		assertThat(this.report.row("cancel").closed()).containsEntry(CloseReason.CANCELED, 1);
	}

	@Test
	void theTableHasARowPerCase() {
		assertThat(this.report.rows()).hasSize(15);
		assertThat(this.report.render()).contains("| ka-read-close ").contains("Go 1.24 (seed)");
	}

}
