import Foundation

/// The green-finance story the demo plays, in order: a solar project's reductions attested,
/// credits issued, bought and retired for a beneficiary; a correction (credits cancelled, with
/// its reason); a green bond issued and allocated; an ineligible allocation, a double
/// retirement, a late revocation and the sale of cancelled credits refused; a regulator queries the ledger,
/// proves one record offline, audits every node and prints the reports.
enum DemoStory {
    static func steps(_ context: DemoContext) throws -> [DemoStep] {
        let run = context.run
        let solar = "solar-gansu-\(run)"
        let mall = "mall-retrofit-\(run)"
        let bond = String(format: "GB-2026-%02d", run)
        let owner = try context.address("solar-owner")
        let bank = try context.address("green-bank")
        let node = context.nodeArguments[0]
        let regulatorNode = context.nodeArguments.last!
        let genesis = context.genesisPath
        let report = "\(context.runDirectory)/tuv-verification-report.txt"
        let proof = "\(context.runDirectory)/retirement-proof.json"
        try """
            TÜV verification report — \(solar), monitoring period 2025
            Metered output 81.2 GWh; grid emission factor 0.581 t CO2e/MWh (conservative, capped).
            Verified emission reduction: 120 t CO2e (120000 kg) for vintage 2025.
            """.write(toFile: report, atomically: true, encoding: .utf8)

        func tx(_ kind: String, as member: String, _ arguments: [String]) -> [String] {
            ["tx", kind, "--key", context.keyPath(member)] + arguments + node + ["--genesis", genesis, "--wait"]
        }
        let credits = ["--project", solar, "--vintage", "2025", "--first-serial", "1"]
        let period = ["--monitoring-start", "2025-01-01", "--monitoring-end", "2025-12-31"]
        let ownersCredits = ["--project", solar, "--vintage", "2025", "--first-serial", "5001"]

        return [
            DemoStep("solar-owner", "registers the Gansu PV plant as a renewable-energy project") { _ in
                tx("register-project", as: "solar-owner", ["--id", solar, "--name", "Gansu PV 50 MW", "--category", "renewable-energy", "--location", "Gansu", "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"])
            },
            DemoStep("city-issuer", "registers a shopping-mall retrofit as a green-buildings project") { _ in
                tx("register-project", as: "city-issuer", ["--id", mall, "--name", "Retrofit of the Riverside mall", "--category", "green-buildings", "--location", "Lyon", "--host-country", "FR", "--methodology", "building-retrofit", "--program", "national-FR"])
            },
            DemoStep("tuv-verifier", "attests 120 t CO2e of 2025 reductions; the report's SHA-256 goes on the ledger") { _ in
                tx("attest-reduction", as: "tuv-verifier", ["--project", solar, "--vintage", "2025", "--quantity-kg", "120000", "--report", report] + period)
            },
            DemoStep("tuv-verifier", "attests the same report again — double counting", expect: .refusal(reasonContaining: "report-already-attested")) { _ in
                tx("attest-reduction", as: "tuv-verifier", ["--project", solar, "--vintage", "2025", "--quantity-kg", "120000", "--report", report] + period)
            },
            DemoStep("cn-registry", "issues 100,000 serial-numbered credits (1 credit = 1 kg CO2e) to the project owner") { _ in
                tx("issue-credits", as: "cn-registry", credits + ["--quantity", "100000", "--owner", owner])
            },
            DemoStep("green-bank", "pays the project owner EUR 125.00 for 5 t of credits") { _ in
                tx("transfer", as: "green-bank", ["--to", owner, "--amount", "12500", "--currency", "EUR", "--category", "renewable-energy", "--purpose", "5 t CO2e of \(solar) 2025 credits"])
            },
            DemoStep("solar-owner", "delivers serials 1–5000 to the bank") { _ in
                tx("transfer-credits", as: "solar-owner", credits + ["--quantity", "5000", "--to", bank])
            },
            DemoStep("green-bank", "retires them for Acme Steel AG — a retirement certificate", records: "retirement") { _ in
                tx("retire-credits", as: "green-bank", credits + ["--quantity", "5000", "--beneficiary", "Acme Steel AG", "--reason", "2025 scope 1 offset"])
            },
            DemoStep("green-bank", "tries to retire the same credits again", expect: .refusal(reasonContaining: "credits-retired")) { _ in
                tx("retire-credits", as: "green-bank", credits + ["--quantity", "5000", "--beneficiary", "Another Corp", "--reason", "double counting"])
            },
            DemoStep("tuv-verifier", "tries to withdraw its attestation now that credits stand on it", expect: .refusal(reasonContaining: "attestation-backs-issued")) { _ in
                tx("revoke-attestation", as: "tuv-verifier", ["--project", solar, "--vintage", "2025", "--sequence", "0", "--reason", "meter recalibrated"])
            },
            DemoStep("cn-registry", "cancels serials 5001–6000 (a correction, with its reason on the record)") { _ in
                tx("cancel-credits", as: "cn-registry", ownersCredits + ["--quantity", "1000", "--reason", "meter recalibration: 1 t over-issued"])
            },
            DemoStep("solar-owner", "tries to sell the cancelled serials", expect: .refusal(reasonContaining: "credits-cancelled")) { _ in
                tx("transfer-credits", as: "solar-owner", ownersCredits + ["--quantity", "1000", "--to", bank])
            },
            DemoStep("city-issuer", "issues a EUR 10 m green bond for renewable energy and clean transport") { _ in
                tx("issue-bond", as: "city-issuer", ["--id", bond, "--currency", "EUR", "--face-value", "1000000000", "--term-months", "60", "--eligible", "renewable-energy,clean-transportation"])
            },
            DemoStep("city-issuer", "allocates EUR 2.5 m of the proceeds to the solar project") { _ in
                tx("allocate-proceeds", as: "city-issuer", ["--bond", bond, "--project", solar, "--amount", "250000000"])
            },
            DemoStep("city-issuer", "tries to allocate proceeds to the mall retrofit (green buildings are not eligible)", expect: .refusal(reasonContaining: "category-not-eligible")) { _ in
                tx("allocate-proceeds", as: "city-issuer", ["--bond", bond, "--project", mall, "--amount", "100000000"])
            },
            DemoStep("regulator", "looks up who retired credits for Acme Steel AG") { _ in
                ["query", "retirements", "--project", solar, "--beneficiary", "Acme Steel AG"] + regulatorNode
            },
            DemoStep("regulator", "reads the bond's allocation status (allocated, unallocated, by category)") { _ in
                ["query", "bond", bond] + regulatorNode
            },
            DemoStep("regulator", "exports a proof of the retirement: the transaction, its block, and its certified receipt") { record in
                ["proof", "tx", try record.transaction("retirement").id] + regulatorNode + ["--out", proof, "--wait-seconds", "30"]
            },
            DemoStep("regulator", "checks that one record offline, against the genesis it trusts") { _ in
                ["verify-proof", proof, "--genesis", genesis]
            },
        ] + context.nodeArguments.enumerated().map { index, nodeArguments in
            DemoStep("regulator", "audits node-\(index)'s whole chain online, trusting nothing it sends") { _ in
                ["verify"] + nodeArguments + ["--genesis", genesis]
            }
        } + [
            DemoStep("regulator", "reports green capital flows per taxonomy category and quarter") { _ in
                ["report", "flows"] + node + ["--genesis", genesis]
            },
            DemoStep("regulator", "reports credits issued, held, retired and cancelled per project and vintage, with every correction") { _ in
                ["report", "credits"] + node + ["--genesis", genesis]
            },
            DemoStep("regulator", "reports bond proceeds allocated per project and category (ICMA shape)") { _ in
                ["report", "bonds"] + node + ["--genesis", genesis]
            },
        ]
    }
}
