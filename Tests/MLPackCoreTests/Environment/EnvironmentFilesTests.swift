import Foundation
import MLPackYAML
import Testing
@testable import MLPackCore

@Suite struct EnvironmentFilesTests {
    @Test func everyFixtureEnvironmentRoundTripsAndRegenerates() throws {
        let dirs = ModelFixtures.modelDirs
        #expect(dirs.count == 45)
        for dir in dirs {
            let name = dir.lastPathComponent
            let reqText = try #require(ModelFixtures.text(dir.appendingPathComponent("requirements.txt")))
            let condaText = try #require(ModelFixtures.text(dir.appendingPathComponent("conda.yaml")))
            let pyText = try #require(ModelFixtures.text(dir.appendingPathComponent("python_env.yaml")))
            let env = try ModelEnvironment.load(from: dir)

            // Parse → write gives the same bytes.
            #expect(env.requirements.text == reqText, "\(name)")
            #expect(env.conda.yamlText == condaText, "\(name)")
            #expect(env.python.yamlText == pyText, "\(name)")

            // Regenerate all three from the parsed content: the flavor defaults (the requirements
            // without the MLflow pin), and the tool versions recorded in python_env.yaml.
            let python = try #require(env.python.python)
            let tools = PythonToolVersions(
                python: python, pip: env.python.buildVersion(of: "pip"),
                setuptools: env.python.buildVersion(of: "setuptools"), wheel: env.python.buildVersion(of: "wheel"))
            let defaults = env.requirements.requirements.filter { !PipRequirement.isMLflowRequirement($0) }
            let regenerated = try ModelEnvironment.resolve(defaultRequirements: defaults, mlflowVersion: "3.17.2", tools: tools)
            #expect(regenerated.requirements.text == reqText, "\(name)")
            #expect(regenerated.conda.yamlText == condaText, "\(name)")
            #expect(regenerated.python.yamlText == pyText, "\(name)")
            #expect(env.conda.pipRequirements == env.requirements.lines, "\(name)")
            #expect(env.conda.pythonVersion == python, "\(name)")
        }
    }

    @Test func similarityTutorialReplacesRequirements() throws {
        let dir = ModelFixtures.modelsDir.appendingPathComponent("b_similarity")
        let tools = PythonToolVersions(python: "3.11.7", pip: "26.3", setuptools: "84.2.1", wheel: nil)
        let env = try ModelEnvironment.resolve(
            defaultRequirements: ["cloudpickle==3.1.3"], pipRequirements: ["sentence_transformers", "numpy"], tools: tools)
        #expect(env.requirements.text == ModelFixtures.text(dir.appendingPathComponent("requirements.txt")))
        #expect(env.conda.yamlText == ModelFixtures.text(dir.appendingPathComponent("conda.yaml")))
        #expect(env.python.yamlText == ModelFixtures.text(dir.appendingPathComponent("python_env.yaml")))
    }

    @Test func extraRequirementsAreAddedDeduplicatedAndNormalised() throws {
        let tools = PythonToolVersions(python: "3.10.4", pip: nil, setuptools: nil, wheel: nil)
        let env = try ModelEnvironment.resolve(
            defaultRequirements: ["cloudpickle==3.1.3", "numpy"],
            extraPipRequirements: ["numpy >= 1.0, <3  # pinned", "", "# comment", "numpy[b,a]", "./local/pkg", "./local/pkg"],
            mlflowVersion: "3.18.1.dev0", tools: tools)
        #expect(env.requirements.lines == ["mlflow==3.18.0", "cloudpickle==3.1.3", "numpy[a,b]<3,>=1.0", "./local/pkg"])
        #expect(env.conda.yamlText == """
            channels:
            - conda-forge
            dependencies:
            - python=3.10.4
            - pip
            - pip:
              - mlflow==3.18.0
              - cloudpickle==3.1.3
              - numpy[a,b]<3,>=1.0
              - ./local/pkg
            name: mlflow-env

            """)
        // "3.10" must stay a string: PyYAML quotes it.
        #expect(PythonEnvironment(python: "3.10", buildDependencies: ["pip", "setuptools", "wheel"], dependencies: ["-r requirements.txt"]).yamlText
            == "python: '3.10'\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n")
        #expect(throws: EnvironmentError.conflictingRequirementOptions) {
            try ModelEnvironment.resolve(defaultRequirements: [], pipRequirements: [], extraPipRequirements: [], tools: tools)
        }
    }

    @Test func existingMLflowRequirementIsKeptAndConstraintsAreWritten() throws {
        let dir = try ModelFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "torch<3\n# c\n".write(to: dir.appendingPathComponent("cons.txt"), atomically: true, encoding: .utf8)
        try "pandas\n-c cons.txt\n".write(to: dir.appendingPathComponent("reqs.txt"), atomically: true, encoding: .utf8)
        let tools = PythonToolVersions(python: "3.11.7", pip: "26.3", setuptools: "84.2.1", wheel: "0.45.1")
        let env = try ModelEnvironment.resolve(
            defaultRequirements: [], pipRequirements: ["mlflow-skinny>=3", "-r reqs.txt"], tools: tools, baseDirectory: dir)
        #expect(env.requirements.lines == ["mlflow-skinny>=3", "pandas", "-c constraints.txt"])
        #expect(env.constraints == ["torch<3"])
        let out = dir.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try env.write(to: out)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
            == ["conda.yaml", "constraints.txt", "python_env.yaml", "requirements.txt"])
        #expect(try ModelEnvironment.load(from: out) == env)
        #expect(env.python.buildDependencies == ["pip==26.3", "setuptools==84.2.1", "wheel==0.45.1"])
    }

    @Test func pep508Normalisation() {
        let cases: [(String, String?)] = [
            ("numpy >= 1.0, <3", "numpy<3,>=1.0"),
            ("numpy[b,a]", "numpy[a,b]"),
            ("Foo.Bar_baz (>=1.0,!=1.5)", "Foo.Bar_baz!=1.5,>=1.0"),
            (#"pkg @ https://x.org/p.whl ; python_version<"3.12""#, #"pkg @ https://x.org/p.whl ; python_version < "3.12""#),
            ("pkg; python_version >= '3.8' and (os_name=='posix' or extra == 'x')",
             #"pkg; python_version >= "3.8" and (os_name == "posix" or extra == "x")"#),
            ("torch==2.15.0+cu132", "torch==2.15.0+cu132"),
            ("a ~= 1.2", "a~=1.2"),
            ("b===foo", "b===foo"),
            ("-r requirements.txt", nil),
            ("./local/pkg", nil),
            ("git+https://github.com/mlflow/mlflow@branch", nil),
        ]
        for (input, expected) in cases {
            #expect(PipRequirement(parsing: input)?.description == expected, "\(input)")
        }
        #expect(ModelEnvironment.deduplicate(["torch==2.7.1+cu128", "numpy", "torch==2.7.1", "x<2", "x>1", "x<2"])
            == ["torch==2.7.1", "numpy", "x<2,>1"])
        #expect(PipRequirement.isMLflowRequirement("MLflow-Skinny==3.17.2"))
        #expect(PipRequirement.isMLflowRequirement("git+https://github.com/mlflow/mlflow@branch"))
        #expect(!PipRequirement.isMLflowRequirement("mlflowx==1"))
    }
}

@Suite struct EnvironmentErrorTests {
    @Test func condaErrorsNameKeyAndPosition() throws {
        let e = #expect(throws: EnvironmentError.self) {
            try CondaEnvironment.parse("channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip:\n  - 7\n", file: "conda.yaml")
        }
        #expect(e?.description == "conda.yaml:6:5: 'dependencies[1].pip[0]': expected a string, found an integer")
        let notMap = #expect(throws: EnvironmentError.self) { try CondaEnvironment.parse("- a\n", file: "conda.yaml") }
        #expect(notMap == .notAMapping(path: "conda.yaml", line: 1, column: 1, found: "a sequence"))
        let bad = #expect(throws: EnvironmentError.self) { try CondaEnvironment.parse("dependencies: [a\n", file: "conda.yaml") }
        guard case .yaml(let y)? = bad else { Issue.record("\(String(describing: bad))"); return }
        #expect(y.mark?.line == 2)
    }

    @Test func pythonEnvRefusesUnknownKeysAndWrongTypes() throws {
        let e = #expect(throws: EnvironmentError.self) {
            try PythonEnvironment.parse("python: 3.11.7\nbuild_deps:\n- pip\n", file: "python_env.yaml")
        }
        #expect(e == .unknownKey(path: "python_env.yaml", key: "build_deps", line: 2, column: 1, expected: PythonEnvironment.keys))
        let t = #expect(throws: EnvironmentError.self) { try PythonEnvironment.parse("python: 3.11\n", file: "python_env.yaml") }
        #expect(t?.description == "python_env.yaml:1:9: 'python': expected a string, found a float")
    }

    @Test func missingFilesAreReported() throws {
        let dir = try ModelFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: EnvironmentError.self) { try ModelEnvironment.load(from: dir) }
    }
}
