//! Metrics derived from the real seed.

use super::*;
use crate::extract;

fn seed() -> (Document, Vec<Figure>) {
    let doc = crate::document::parse("seed-2022", include_bytes!("../../data/seed-2022.txt")).unwrap();
    let figures = extract::figures(&doc);
    (doc, figures)
}

fn derived(cat: &Catalogue) -> Derived {
    let (doc, figures) = seed();
    derive(&[Input { document: &doc, figures: &figures }], cat)
}

fn target<'a>(d: &'a Derived, name: &str) -> &'a Target {
    let id = &d.metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no metric {name}")).id;
    d.targets.iter().find(|t| &t.metric_id == id).unwrap_or_else(|| panic!("no target for {name}"))
}

#[test]
fn seed_attainment() {
    let d = derived(&Catalogue::default());
    // 新建10个…平台 answered by 新建9个: an increment, named so.
    let t = target(&d, "新增产业协同创新平台");
    assert_eq!((t.value, t.actual_value, t.judgement.status), (10.0, Some(9.0), Status::Missed));
    assert_eq!(t.judgement.shortfall, Some(1.0));

    let t = target(&d, "技术转移机构");
    assert_eq!((t.value, t.actual_value, t.comparator), (70.0, Some(65.0), Comparator::About));

    let t = d.targets.iter().find(|t| t.value == 15.0).unwrap();
    assert_eq!((t.actual_value, t.comparator), (Some(12.0), Comparator::About));
    assert_eq!(t.judgement.status, Status::Forecast, "拟推动12家 is a plan, not an achievement");

    let t = d.targets.iter().find(|t| t.value == 20.0 && t.comparator == Comparator::AtLeast).unwrap();
    assert_eq!((t.actual_value, t.judgement.status), (Some(21.4), Status::Met));

    let t = target(&d, "大中型重点企业研究开发费用增速");
    assert_eq!((t.value, t.actual_value, t.judgement.status), (14.0, None, Status::Forecast));
}

#[test]
fn growth_implies_last_years_value() {
    let d = derived(&Catalogue::default());
    let derived: Vec<&Observation> = d.observations.iter().filter(|o| o.basis == Basis::Derived).collect();
    let contracts = derived.iter().find(|o| (o.value - 5271.0 / 1.156).abs() < 1e-6).expect("5271项 / 1.156");
    assert_eq!(contracts.period.key(), "2021M01-11", "the same months of the previous year");
    let reported =
        d.observations.iter().find(|o| o.value == 5271.0 && o.basis == Basis::Reported).expect("the reported 5271项");
    assert_eq!(reported.period.key(), "2022M01-11");
    assert_eq!(reported.metric_id, contracts.metric_id);
}

#[test]
fn figures_carry_their_own_period() {
    let d = derived(&Catalogue::default());
    let capacity = d.observations.iter().find(|o| o.value == 3000.0).unwrap();
    // 截止2022年10月底: as of a month's end, written as that month (FORMAT.md).
    assert_eq!(capacity.period.key(), "2022M10");
    let cars = d.observations.iter().find(|o| o.value == 312.0).unwrap();
    assert_eq!(cars.period.key(), "2022");
}

#[test]
fn catalogue_names_and_corrects() {
    let cat = Catalogue::parse(
        r#"
[[metric]]
id = "platforms"
name = "产业协同创新平台"
unit = "个"

[[metric.target]]
period = "2022"
value = 9
comparator = "at_least"
"#,
    )
    .unwrap();
    let d = derived(&cat);
    let t = d.targets.iter().find(|t| t.metric_id == "platforms").unwrap();
    assert_eq!((t.value, t.source, t.judgement.status), (9.0, Source::Catalogue, Status::Met));
}

#[test]
fn unanswered_targets_are_kept() {
    let d = derived(&Catalogue::default());
    let flagships = d.targets.iter().find(|t| t.value == 10.0 && t.comparator == Comparator::AtLeast).unwrap();
    assert_eq!((flagships.actual_value, flagships.judgement.status), (None, Status::NoData));
}

fn doc(id: &str, year: i32, status: &str) -> (Document, Vec<Figure>) {
    let text = format!("某区科委{year}年度自查表\n自查内容\t落实情况\t存在问题\n推进孵化工作\t{status}\t无\n");
    let doc = crate::document::parse(id, text.as_bytes()).unwrap();
    let figures = extract::figures(&doc);
    (doc, figures)
}

/// A one-row report of `year` with a task cell and a status cell.
fn report(id: &str, year: i32, task: &str, status: &str) -> (Document, Vec<Figure>) {
    let text = format!("某市委办局{year}年度自查表\n自查内容\t落实情况\t存在问题\n{task}\t{status}\t无\n");
    let doc = crate::document::parse(id, text.as_bytes()).unwrap();
    let figures = extract::figures(&doc);
    (doc, figures)
}

fn derive_years(years: &[(i32, &str)], cat: &Catalogue) -> Derived {
    let docs: Vec<(Document, Vec<Figure>)> = years.iter().map(|(y, s)| doc(&format!("kw-{y}"), *y, s)).collect();
    derive_documents(&docs, cat)
}

#[test]
fn a_series_that_jumps_is_flagged_for_review() {
    let d = derive_years(
        &[(2021, "孵化企业612家。"), (2022, "孵化企业31家。"), (2023, "孵化器12个。")],
        &Catalogue::default(),
    );
    let m = d.metrics.iter().find(|m| m.name == "孵化企业").unwrap();
    let reason = m.review.as_deref().expect("612 then 31 is flagged");
    assert!(reason.contains("19.7倍") && reason.contains("2021年→2022年"), "{reason}");
    let steady = derive_years(&[(2021, "孵化企业612家。"), (2022, "孵化企业700家。")], &Catalogue::default());
    assert_eq!(steady.metrics.iter().find(|m| m.name == "孵化企业").unwrap().review, None);
    // A lower factor in the catalogue flags smaller jumps.
    let strict = Catalogue::parse("[settings]\njump_factor = 1.1\n").unwrap();
    let d = derive_years(&[(2021, "孵化企业612家。"), (2022, "孵化企业700家。")], &strict);
    assert!(d.metrics.iter().find(|m| m.name == "孵化企业").unwrap().review.is_some());
    assert!(Catalogue::parse("[settings]\njump_factor = 0.5\n").unwrap_err().contains("jump_factor"));
    // A metric the catalogue names is a person's decision: not flagged.
    let named = Catalogue::parse("[[metric]]\nid = \"incubated\"\nname = \"孵化企业\"\nunit = \"家\"\n").unwrap();
    let d = derive_years(&[(2021, "孵化企业612家。"), (2022, "孵化企业31家。")], &named);
    assert!(d.metrics.iter().all(|m| m.review.is_none()), "{:?}", d.metrics);
}

#[test]
fn a_goal_and_its_answer_take_the_wording_more_reports_use() {
    let docs = [
        report("kw-2022", 2022, "培育高新技术企业", "全市有效期内高新技术企业数达到22413家。"),
        report("kw-2023", 2023, "高新技术企业数量达到2.4万家", "全市有效期内高新技术企业数达到24130家。"),
    ];
    let d = derive_documents(&docs, &Catalogue::default());
    let metric = |v: f64| &d.observations.iter().find(|o| o.value == v).unwrap().metric_id;
    assert_eq!(metric(22413.0), metric(24130.0), "one line over both years: {:?}", d.metrics);
    let t = d.targets.iter().find(|t| t.value == 24000.0).unwrap();
    assert_eq!((&t.metric_id, t.actual_value), (metric(24130.0), Some(24130.0)));
}

#[test]
fn a_line_holds_one_value_at_a_time() {
    let d = derive_years(&[(2021, "牵头的26项整改任务已完成22项，其余4项按序时进度推进。")], &Catalogue::default());
    let metric = |v: f64| &d.observations.iter().find(|o| o.value == v).unwrap().metric_id;
    assert_ne!(metric(26.0), metric(22.0), "{:?}", d.metrics);
    assert_ne!(metric(26.0), metric(4.0), "{:?}", d.metrics);
    // A bound crossed on the way is no second value.
    let d = derive_years(&[(2023, "地区生产总值突破万亿元大关，达到10261亿元。")], &Catalogue::default());
    let metric = |v: f64| &d.observations.iter().find(|o| o.value == v).unwrap().metric_id;
    assert_eq!(metric(1e12), metric(1.0261e12));
}

#[test]
fn one_unit_written_two_ways_is_one_family() {
    assert_eq!(identity::unit_family("km/h"), identity::unit_family("公里/小时"));
    assert_eq!(identity::unit_family("TEU"), identity::unit_family("标箱"));
    assert_eq!(identity::unit_family("乘次"), identity::unit_family("人次"));
    assert_ne!(identity::unit_family("人次"), identity::unit_family("人"));
    assert_eq!(identity::key("本市公共充电桩保有量"), identity::key("本市公共充电桩"));
}

#[test]
fn an_attribute_alone_in_its_sentence_is_the_previous_subjects() {
    let d = derive_years(
        &[(2022, "上半年完成交通固定资产投资238.6亿元；全年完成投资512.7亿元，同比增长5.4%。")],
        &Catalogue::default(),
    );
    let name = |v: f64| {
        let id = &d.observations.iter().find(|o| (o.value - v).abs() < 1.0).unwrap().metric_id;
        d.metrics.iter().find(|m| &m.id == id).unwrap().name.clone()
    };
    assert_eq!(name(5.127e10), "交通固定资产投资", "{:?}", d.metrics);
}

#[test]
fn joins_proposed_for_drifting_wordings_join_once_pasted() {
    // (Words added or reordered are joined by rule, see drift: these are
    // two words for one thing, which only a person can say.)
    let years = [(2020, "全区实际利用外资1.2亿美元。"), (2021, "全区实际使用外资1.3亿美元。")];
    let d = derive_years(&years, &Catalogue::default());
    let ids: std::collections::BTreeSet<&str> = d.observations.iter().map(|o| o.metric_id.as_str()).collect();
    assert_eq!(ids.len(), 2, "text alone keeps the wordings apart");
    let joins = suggest::joins(&d);
    assert_eq!(joins.len(), 1, "{joins:?}");
    // The analyst uncomments the proposal and pastes it.
    let toml: String = suggest::joins_to_toml(&joins)
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with("[[metric]]") || l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let d = derive_years(&years, &Catalogue::parse(&toml).unwrap());
    let ids: std::collections::BTreeSet<&str> = d.observations.iter().map(|o| o.metric_id.as_str()).collect();
    assert_eq!(ids.len(), 1, "one line once confirmed: {toml}");
    // A new count and a total are never proposed as one.
    let d = derive_years(&[(2020, "新增便民网点48个。"), (2021, "累计便民网点1141个。")], &Catalogue::default());
    assert!(suggest::joins(&d).is_empty());
}

/// The metric of the observation valued `v`.
fn metric_of(d: &Derived, v: f64) -> &str {
    d.observations
        .iter()
        .find(|o| (o.value - v).abs() < 1e-6)
        .unwrap_or_else(|| panic!("no {v}: {d:?}"))
        .metric_id
        .as_str()
}

#[test]
fn a_wording_that_drifts_keeps_its_line_when_the_values_continue() {
    let years = [(2021, "道路交通万车死亡率1.52人。"), (2022, "万车死亡率1.41人。"), (2023, "万车死亡率1.38人。")];
    let d = derive_years(&years, &Catalogue::default());
    assert_eq!(metric_of(&d, 1.52), metric_of(&d, 1.41), "{:?}", d.metrics);
    assert_eq!(d.metrics.len(), 1, "the joined wording's metric is gone: {:?}", d.metrics);
    // Values that do not continue each other are two quantities.
    let d = derive_years(
        &[(2021, "流向津冀技术合同成交额300亿元。"), (2022, "技术合同成交额6000亿元。")],
        &Catalogue::default(),
    );
    assert_ne!(metric_of(&d, 3e10), metric_of(&d, 6e11));
    // A report that writes both wordings tells them apart.
    let d = derive_years(
        &[(2021, "流向津冀技术合同成交额300亿元。"), (2022, "技术合同成交额320亿元，流向津冀技术合同成交额310亿元。")],
        &Catalogue::default(),
    );
    assert_ne!(metric_of(&d, 3.2e10), metric_of(&d, 3.1e10));
    // A short wording extended two different ways is ambiguous.
    let d = derive_years(
        &[(2021, "孵化企业612家。"), (2022, "中关村孵化企业600家。"), (2023, "海淀园孵化企业610家。")],
        &Catalogue::default(),
    );
    assert_ne!(metric_of(&d, 612.0), metric_of(&d, 600.0), "{:?}", d.metrics);
    assert_ne!(metric_of(&d, 612.0), metric_of(&d, 610.0));
}

#[test]
fn what_a_goal_and_its_answer_share_joins_their_wordings_elsewhere() {
    let docs = [
        report(
            "jt-2022",
            2022,
            "港口集装箱吞吐量达到430万标箱",
            "集装箱吞吐量436万标箱，同比增长5.7%。预计2023年集装箱吞吐量达到465万标箱。",
        ),
        report("jt-2023", 2023, "港口集装箱吞吐量达到460万标箱", "港口集装箱吞吐量462万标箱，同比增长6.0%。"),
    ];
    let d = derive_documents(&docs, &Catalogue::default());
    assert_eq!(metric_of(&d, 4.36e6), metric_of(&d, 4.65e6), "the forecast continues the line: {:?}", d.metrics);
    assert_eq!(metric_of(&d, 4.36e6), metric_of(&d, 4.62e6));
    assert_eq!(metric_of(&d, 5.7), metric_of(&d, 6.0), "and so does its growth: {:?}", d.metrics);
}

#[test]
fn running_totals_are_stocks_and_things_made_are_the_years() {
    let d = derive_years(
        &[(2021, "全区便民商业网点累计达到1093个。"), (2022, "全区便民商业网点总数达到1141个。")],
        &Catalogue::default(),
    );
    assert_eq!(metric_of(&d, 1093.0), metric_of(&d, 1141.0), "{:?}", d.metrics);
    // 建成 in a year's report counts that year's; 累计建成 the stock.
    let d = derive_years(
        &[(2020, "建成一刻钟便民生活圈4个。"), (2021, "新建一刻钟便民生活圈5个，累计建成14个。")],
        &Catalogue::default(),
    );
    assert_eq!(metric_of(&d, 4.0), metric_of(&d, 5.0), "{:?}", d.metrics);
    assert_ne!(metric_of(&d, 5.0), metric_of(&d, 14.0));
    // 建成区 is a noun.
    let (doc, figures) = doc("kw-2021", 2021, "建成区面积达到120平方公里。");
    assert_eq!(
        meaning::aggregation(&figures[0], super::period_of(&figures[0], &doc), "建成区面积"),
        meaning::Aggregation::Level
    );
}

#[test]
fn a_line_is_known_by_every_wording_its_figures_were_given() {
    let docs = [
        report("jt-2021", 2021, "落实集中带量采购", "全年节约医药费用3.86亿元。"),
        report("jt-2022", 2022, "节约药品耗材费用4亿元以上", "节约费用4.52亿元。"),
        report("jt-2023", 2023, "落实集中带量采购", "全年节约医药费用5.18亿元。"),
    ];
    let d = derive_documents(&docs, &Catalogue::default());
    assert_eq!(metric_of(&d, 3.86e8), metric_of(&d, 4.52e8), "{:?}", d.metrics);
    assert_eq!(metric_of(&d, 4.52e8), metric_of(&d, 5.18e8));
    // 占比 and 比重 are one kind of share.
    let d = derive_years(
        &[(2021, "基层医疗卫生机构诊疗量占总诊疗量比重54.2%。"), (2022, "基层医疗卫生机构诊疗量占比56.1%。")],
        &Catalogue::default(),
    );
    assert_eq!(metric_of(&d, 54.2), metric_of(&d, 56.1), "{:?}", d.metrics);
}
