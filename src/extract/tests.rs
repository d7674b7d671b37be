//! Pattern-by-pattern tests of the extractor: numerals, units, qualifiers,
//! kinds, and the traps FORMAT.md lists as not figures.

use super::*;

fn status(text: &str) -> Vec<Figure> {
    cell_figures(text, Column::Status, 1)
}

/// (text, value, unit) of every figure in a status cell.
fn found(text: &str) -> Vec<(String, f64, String)> {
    status(text).into_iter().map(|f| (f.text, f.value, f.unit)).collect()
}

fn one(text: &str) -> Figure {
    let mut figs = status(text);
    assert_eq!(figs.len(), 1, "expected one figure in {text:?}, got {figs:#?}");
    figs.remove(0)
}

fn none(text: &str) {
    let figs = status(text);
    assert!(figs.is_empty(), "expected no figure in {text:?}, got {figs:#?}");
}

fn fig(text: &str, value: f64, unit: &str) -> (String, f64, String) {
    (text.to_owned(), value, unit.to_owned())
}

// ------------------------------------------------------------ numerals

#[test]
fn arabic_numerals() {
    assert_eq!(found("赛时共投入312辆氢燃料电池车"), [fig("312辆", 312.0, "辆")]);
    assert_eq!(found("投资１２３亿元"), [fig("１２３亿元", 1.23e10, "元")]);
    assert_eq!(found("完成12,500户"), [fig("12,500户", 12500.0, "户")]);
    assert_eq!(found("注册资本金达18.92亿元"), [fig("18.92亿元", 1.892e9, "元")]);
}

#[test]
fn chinese_numerals() {
    assert_eq!(found("举办十二场活动"), [fig("十二场", 12.0, "场")]);
    assert_eq!(found("共三百余个展项"), [fig("三百余个", 300.0, "个")]);
    assert_eq!(found("引进两千五百人"), [fig("两千五百人", 2500.0, "人")]);
    assert_eq!(found("聚焦六大方面"), [fig("六大方面", 6.0, "方面")]);
    assert_eq!(found("设置六大板块。"), [fig("六大板块", 6.0, "板块")]);
}

#[test]
fn multipliers() {
    assert_eq!(found("累计受众6万人次"), [fig("6万人次", 6e4, "人次")]);
    assert_eq!(found("投资1.5亿元"), [fig("1.5亿元", 1.5e8, "元")]);
    assert_eq!(found("金额300多亿元"), [fig("300多亿元", 3e10, "元")]);
    assert_eq!(found("1万余户科技型中小企业"), [fig("1万余户", 1e4, "户")]);
    assert_eq!(found("装机100万千瓦"), [fig("100万千瓦", 1e6, "千瓦")]);
}

#[test]
fn money_is_normalised_to_yuan() {
    let f = one("总市值超2000亿元");
    assert_eq!((f.value, f.unit.as_str(), f.qualifier), (2e11, "元", Qualifier::MoreThan));
    assert_eq!(one("合同金额5000万美元").unit, "美元");
}

#[test]
fn percentages_and_points() {
    assert_eq!(found("占21.4%"), [fig("21.4%", 21.4, "%")]);
    assert_eq!(found("覆盖率达95％"), [fig("95％", 95.0, "%")]);
    assert_eq!(found("占比达到百分之三十"), [fig("百分之三十", 30.0, "%")]);
    assert_eq!(found("提高2个百分点"), [fig("2个百分点", 2.0, "百分点")]);
    assert_eq!(found("约四成企业"), [fig("约四成", 4.0, "成")]);
}

#[test]
fn rates_and_physical_units() {
    assert_eq!(found("产能达3000片/月"), [fig("3000片/月", 3000.0, "片/月")]);
    assert_eq!(found("浓度为30微克/立方米"), [fig("30微克/立方米", 30.0, "微克/立方米")]);
    assert_eq!(found("储氢压力达到70MPa"), [fig("70MPa", 70.0, "MPa")]);
    assert_eq!(found("200太瓦超强激光器"), [fig("200太瓦", 200.0, "太瓦")]);
    assert_eq!(found("能耗0.5吨标准煤/万元"), [fig("0.5吨标准煤/万元", 0.5, "吨标准煤/万元")]);
}

#[test]
fn counted_nouns_without_measure_word() {
    assert_eq!(found("接待了300余团体"), [fig("300余团体", 300.0, "团体")]);
    assert_eq!(found("提出8方面20项措施"), [fig("8方面", 8.0, "方面"), fig("20项", 20.0, "项")]);
}

// ------------------------------------------------------------ qualifiers

#[test]
fn qualifiers() {
    let q = |s: &str| one(s).qualifier;
    assert_eq!(q("约400人参加"), Qualifier::Approx);
    assert_eq!(q("推动建设70家左右技术转移机构"), Qualifier::Approx);
    assert_eq!(q("超过170个"), Qualifier::MoreThan);
    assert_eq!(q("打造10家以上旗舰企业"), Qualifier::MoreThan);
    assert_eq!(q("45余人"), Qualifier::MoreThan);
    assert_eq!(q("逾千家企业"), Qualifier::MoreThan);
    assert_eq!(q("支持比例不低于20%"), Qualifier::AtLeast);
    assert_eq!(q("近19万人次"), Qualifier::Nearly);
    assert_eq!(q("不足5家"), Qualifier::LessThan);
    assert_eq!(q("控制在3%以内"), Qualifier::AtMost);
    assert_eq!(q("不超过10个"), Qualifier::AtMost);
    assert_eq!(q("新增27支子基金"), Qualifier::Exact);
}

#[test]
fn qualifier_words_are_part_of_the_text() {
    assert_eq!(one("总市值超2000亿元").text, "超2000亿元");
    assert_eq!(one("完成14%左右的预定目标").text, "14%左右");
    assert_eq!(one("覆盖创新主体近19万人次").text, "近19万人次");
    assert_eq!(one("同比增长超一倍").text, "超一倍");
}

// ------------------------------------------------------------ kinds

#[test]
fn task_cells_state_targets() {
    let figs = cell_figures("打造10家以上旗舰企业，新建10个产业协同创新平台。", Column::Task, 1);
    assert!(figs.iter().all(|f| f.kind == Kind::Target), "{figs:#?}");
    assert_eq!(figs.len(), 2);
}

#[test]
fn kinds_in_status_cells() {
    let k = |s: &str| one(s).kind;
    assert_eq!(k("规定对工程技术人才支持比例不低于20%。"), Kind::Target);
    assert_eq!(k("预计全年基本能够完成14%左右的预定目标。"), Kind::Target);
    assert_eq!(k("拟推动12家概念验证平台建设。"), Kind::Target);
    assert_eq!(k("力争全年新增企业100家。"), Kind::Target);
    assert_eq!(k("预计全年营业收入达到500亿元。"), Kind::Forecast);
    assert_eq!(k("技术合同成交额同比增长15.6%。"), Kind::Growth);
    assert_eq!(k("占21.4%。"), Kind::Share);
    assert_eq!(k("仍有约15%的学校依靠本校教师"), Kind::Share, "a part of the schools");
    assert_eq!(k("以6%的速度增长"), Kind::Actual, "a speed is no population");
    assert_eq!(k("实现8%的增长"), Kind::Actual, "a change is no population");
    assert_eq!(k("完成全年90%的任务"), Kind::Actual);
    assert_eq!(k("与规划提出的60%目标仍有差距"), Kind::Target);
    assert_eq!(k("完成5个目标"), Kind::Actual, "a count of goals is no goal");
    assert_eq!(k("新建9个平台。"), Kind::Actual);
    assert_eq!(k("基于8英寸装备建设平台"), Kind::Other);
}

#[test]
fn intentions_of_others_are_actual_counts() {
    let figs = status("另有9只子基金提出申请，拟转让金额2.55亿元");
    assert_eq!((figs[1].value, figs[1].kind), (2.55e8, Kind::Actual));
    let figs = status("拟与河北省科技厅共建河北中心，在京津冀设立11个技术实验室。");
    assert_eq!(figs[0].kind, Kind::Actual);
}

#[test]
fn original_plan_governs_its_sentence() {
    let f = one("原计划于2022年9月22日-27日举办论坛，设置论坛会议、技术交易等六大板块。");
    assert_eq!((f.value, f.kind), (6.0, Kind::Target));
}

#[test]
fn growth_after_a_count() {
    let figs = status("北京流向津冀技术合同5271项，同比增长15.6%，成交额368.1亿元，增长33.4%。");
    let kinds: Vec<_> = figs.iter().map(|f| (f.value, f.kind)).collect();
    assert_eq!(
        kinds,
        [(5271.0, Kind::Actual), (15.6, Kind::Growth), (36810000000.0, Kind::Actual), (33.4, Kind::Growth)]
    );
}

#[test]
fn decreases_are_negative() {
    let f = one("单位GDP能耗同比下降2.4%");
    assert_eq!((f.value, f.kind), (-2.4, Kind::Growth));
    let f = cell_figures("万元GDP能耗下降3%", Column::Task, 1).remove(0);
    assert_eq!((f.value, f.kind), (-3.0, Kind::Target));
    let f = one("增幅为-1.1%");
    assert_eq!((f.value, f.text.as_str()), (-1.1, "-1.1%"));
}

#[test]
fn raising_to_a_level_is_not_growth() {
    assert_eq!(one("研发投入强度提高到6.5%").kind, Kind::Actual);
    assert_eq!(one("同比增长超一倍").kind, Kind::Growth);
}

// ------------------------------------------------------------ not figures

#[test]
fn dates_and_years() {
    none("2022年1-11月");
    none("8月20日至27日");
    none("原计划于2022年9月22日-27日举办");
    none("已于2021年底完成");
    none("6月底已完成测试并上线运行");
    none("于12月25日发布");
    none("在2021中关村论坛上");
    none("2022北京-特拉维夫创新大会");
}

#[test]
fn versions_models_and_identifiers() {
    none("发布“长安链3.0”");
    none("已完成长安链3.0关键技术研发");
    none("互联网3.0底层技术");
    none("智源院推动“悟道2.0”大模型更新迭代，悟道CogView2文图生成模型");
    none("全面落实营商环境创新试点和5.0版改革任务");
    none("自主研发5G超高清云转播平台");
    none("自主可控P2P网络");
}

#[test]
fn codes_and_list_markers() {
    none("（26-1、26-2、26-3、27-3、28-1、31-1、31-2、47-1、89）");
    none("新修订的中关村示范区“1+5”政策体系");
    none("围绕1+5项目申报");
    none("1. 在智慧能源领域 2. 在人工智能领域");
}

#[test]
fn ordinals() {
    none("第二轮中央生态环保督察");
    none("涉及我委牵头的第二十五项任务");
    none("形成北京市第四批重大应用场景");
    none("第六届中以创新创业大赛");
    none("落地第三代半导体功率电子");
}

#[test]
fn numeral_idioms_and_names() {
    none("采用“四不两直”方式");
    none("采用四不两直方式");
    none("“一件事”集成服务");
    none("加快研究实施具有北京特色的“两区”改革开放任务");
    none("加快建设“三城一区”主平台");
    none("北京办公室“一处七办”工作会议");
    none("坚决做到两个维护");
    none("印发春节和冬奥会期间、五一、十一等假期");
    none("在未来科技前沿领域布局一批新型研发机构");
    none("推动召开三方会议");
    none("促进三地项目团队形成实质性合作");
    none("邀请中以两国科技界");
    none("三年提升发展行动");
    none("党的二十大服务保障工作");
    none("十四五时期");
    none("每万人发明专利拥有量");
    none("已完成一期产能的建设，正在建设二期工程");
    none("新一代信息技术");
}

#[test]
fn categories_are_not_counts() {
    assert_eq!(found("全年推动获批1类新药3个"), [fig("3个", 3.0, "个")]);
    assert_eq!(found("对9类要素信息进行梳理"), [fig("9类", 9.0, "类")]);
}

#[test]
fn per_capita_base_is_not_a_multiplier() {
    assert_eq!(found("万人发明专利拥有量达到698.6件"), [fig("698.6件", 698.6, "件")]);
}

#[test]
fn ranks_are_not_counts() {
    none("排名全国前3名");
}

// ------------------------------------------------------------ provenance

#[test]
fn spans_and_sentences() {
    let text = "1. 修订办法。2022年入选工程技术人才32人，占21.4%。";
    let figs = status(text);
    assert_eq!(figs.len(), 2);
    let chars: Vec<char> = text.chars().collect();
    for f in &figs {
        let (s, e) = f.span;
        assert_eq!(chars[s..e].iter().collect::<String>(), f.text);
        assert_eq!(f.sentence, "2022年入选工程技术人才32人，占21.4%。");
    }
}

#[test]
fn labels_name_what_is_counted() {
    assert_eq!(one("赛时共投入312辆氢燃料电池车保障冬奥运输任务。").label, "氢燃料电池车");
    let figs = status("2022年入选工程技术人才32人，占21.4%。");
    assert_eq!(figs[0].label, "入选工程技术人才");
    assert_eq!(figs[1].label, "入选工程技术人才占比");
}

#[test]
fn a_rate_per_head_is_every_list_items() {
    let figs = status("全市每千人口执业（助理）医师3.52名、注册护士4.05名。");
    assert_eq!(figs[1].label, "每千人口注册护士", "{figs:#?}");
    // An item with its own rate keeps it.
    let figs = status("每千人口床位6.58张、每万人口全科医生3.6人。");
    assert_eq!(figs[1].label, "每万人口全科医生");
}

#[test]
fn a_means_clause_is_no_part_of_the_name() {
    // `通过…实现的` says how the sales were made, not whose they are.
    let figs = status("限额以上单位通过公共网络实现的网上零售额163.5亿元，同比增长8.1%。");
    assert_eq!(figs[0].label, "限额以上单位网上零售额");
    // The channels a means clause lists end at 等渠道.
    assert_eq!(status("通过线上平台、专馆专柜等渠道销售扶贫地区农产品1.26亿元。")[0].label, "销售扶贫地区农产品");
}

#[test]
fn what_a_clause_says_of_its_counted_subject_names_it() {
    assert_eq!(one("130家创新型企业在北京证券交易所上市。").label, "在北京证券交易所上市的创新型企业");
    // The agency as the object of a preposition, and adverbs, go.
    assert_eq!(status("另有9只子基金已向我委正式提出份额转让申请。")[0].label, "提出份额转让申请的子基金");
    // A verb that makes others act leaves the count the subject.
    assert_eq!(one("支持20家左右技术转移机构市场化聘用技术经理人。").label, "市场化聘用技术经理人的技术转移机构");
    // A co-subject counted on its own is passed over; another figure's
    // topic at the end is not said of this one.
    let figs = status("24家园区企业与14所高校联合培养工程硕士92人。");
    assert_eq!((figs[0].label.as_str(), figs[1].label.as_str()), ("联合培养的园区企业", "联合培养的高校"));
    // Said of the people counted before it.
    assert_eq!(status("邀请企业代表约400人参加对接交流。")[0].label, "参加对接交流的企业代表");
    // A negation stays; a year is the period's.
    assert_eq!(one("1项整改任务尚未完成销号。").label, "尚未完成销号的整改任务");
    assert_eq!(one("50家企业完成2020年度碳排放核查。").label, "完成碳排放核查的企业");
    // Not said of the whole: a part of it, another figure's attribute,
    // a word of change.
    assert_eq!(status("560个重大工程项目已开工482个。")[0].label, "重大工程项目");
    assert!(!status("20个项目总投资50亿元。")[0].label.contains('的'));
    assert_eq!(status("5家企业同比增长20%。")[0].label, "企业");
}

#[test]
fn scope_totals_and_the_agencys_own_verbs() {
    assert_eq!(one("开展改革试点，涵盖130余所高校院所。").label, "涵盖的高校院所");
    assert_eq!(one("细化形成307项重点任务。").label, "重点任务");
    let figs = status("实施109项重点项目、107项工作任务，共计216项。");
    assert_eq!(figs[2].label, "重点项目和工作任务合计");
    let figs = status("举办春季消费季活动32场、冬季冰雪消费季活动27场，合计59场。");
    assert_eq!(figs[2].label, "消费季活动合计");
    // An ordinal is part of the name, not another figure.
    assert_eq!(one("形成30个北京市第四批重大应用场景。").label, "北京市第四批重大应用场景");
}

#[test]
fn bare_hundreds_thousands_and_ten_thousands() {
    assert_eq!(found("服务百余家企业"), [fig("百余家", 100.0, "家")]);
    assert_eq!(found("培训千余人次"), [fig("千余人次", 1000.0, "人次")]);
    assert_eq!(found("惠及逾万户"), [fig("逾万户", 1e4, "户")]);
    assert_eq!(found("近百家企业"), [fig("近百家", 100.0, "家")]);
    none("千方百计稳就业");
}

#[test]
fn ranges_are_not_negative() {
    let figs = status("增幅在10%-15%之间");
    assert!(figs.iter().all(|f| f.value > 0.0), "{figs:#?}");
    assert_eq!(one("PM2.5平均浓度为30微克/立方米").value, 30.0);
}

#[test]
fn plans_with_dates_are_targets() {
    assert_eq!(one("计划2024年建成15个示范项目").kind, Kind::Target);
    assert_eq!(one("拟年内新增10家").kind, Kind::Target);
    assert_eq!(status("已推荐将24家企业纳入服务包")[0].kind, Kind::Actual);
}

#[test]
fn proportions_and_rates_of_a_whole_are_shares() {
    assert_eq!(one("优良天数比例达到80%").kind, Kind::Share);
    assert_eq!(one("完成年度目标的56.9%").kind, Kind::Share);
    assert_eq!(one("覆盖常住人口的97.3%").kind, Kind::Share);
    assert_eq!(one("水质达标率100%").kind, Kind::Share);
    assert_eq!(one("调解成功率达到近七成").kind, Kind::Share);
    assert_eq!(one("营业收入增长率12%").kind, Kind::Growth);
    assert_eq!(one("贷款利率4.35%").kind, Kind::Actual);
}

#[test]
fn changes_of_counts_need_a_comparison() {
    let f = one("重污染天数较上年减少6天");
    assert_eq!((f.value, f.kind), (-6.0, Kind::Growth));
    assert_eq!(one("增加3个试点城市").kind, Kind::Actual);
}

#[test]
fn gaps_to_a_benchmark_are_other() {
    assert_eq!(one("高于全国平均水平1.7个百分点").kind, Kind::Other);
    assert_eq!(one("距年度目标尚差8.2万人").kind, Kind::Other);
    let f = one("PM2.5浓度低于35微克/立方米");
    assert_eq!((f.kind, f.qualifier), (Kind::Actual, Qualifier::LessThan));
}

#[test]
fn lists_share_their_unit() {
    assert_eq!(found("同比分别增长2.1、3.3%"), [fig("2.1", 2.1, "%"), fig("3.3%", 3.3, "%")]);
    let figs = status("分别较上年提高4.1个、3.6个百分点");
    assert_eq!(
        figs.iter().map(|f| (f.text.as_str(), f.unit.as_str(), f.kind)).collect::<Vec<_>>(),
        [("4.1个", "百分点", Kind::Growth), ("3.6个百分点", "百分点", Kind::Growth)]
    );
}

#[test]
fn more_units() {
    assert_eq!(found("储能规模300兆瓦时"), [fig("300兆瓦时", 300.0, "兆瓦时")]);
    assert_eq!(found("检查车辆4.2万辆次"), [fig("4.2万辆次", 42000.0, "辆次")]);
    assert_eq!(found("平均办理时间压缩至9.3个工作日"), [fig("9.3个工作日", 9.3, "工作日")]);
    none("庆祝建党100周年");
    assert_eq!(one("签发量突破420万张").qualifier, Qualifier::MoreThan);
    assert_eq!(found("不足千人"), [fig("不足千人", 1000.0, "人")]);
}

#[test]
fn respectively_maps_names_to_figures() {
    let figs = status("氮氧化物、挥发性有机物重点工程减排量分别达到1500吨、800吨。");
    assert_eq!(figs[0].label, "氮氧化物");
    assert_eq!(figs[1].label, "挥发性有机物重点工程减排量");
    // The last name's words are every Latin name's; a rate's names are the
    // levels' before it.
    let figs = status(
        "PM10、NO2、SO2年均浓度分别为55微克/立方米、26微克/立方米、3微克/立方米。其中PM10、NO2同比分别下降1.8%和11.5%。",
    );
    let labels: Vec<&str> = figs.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels[..3], ["PM10年均浓度", "NO2年均浓度", "SO2年均浓度"]);
    assert!(labels[3].starts_with("PM10年均浓度") && labels[4].starts_with("NO2年均浓度"), "{labels:?}");
}

#[test]
fn a_continuing_clause_keeps_its_topic() {
    let figs = status("全社会研发经费投入强度提高0.1个百分点，达到2.95%左右。");
    assert_eq!(figs[1].label, "全社会研发经费投入强度");
}

#[test]
fn shortening_is_a_decrease() {
    let f = one("平均急救呼叫反应时间较上年缩短0.9分钟");
    assert_eq!((f.value, f.kind), (-0.9, Kind::Growth));
    assert_eq!(one("项目评审周期压缩至60天以内").value, 60.0, "to a level, not by an amount");
}

#[test]
fn ages_rates_per_population_and_indices() {
    assert_eq!(
        found("户籍居民人均预期寿命达到82.51岁，较上年提高0.04岁。"),
        [fig("82.51岁", 82.51, "岁"), fig("0.04岁", 0.04, "岁")]
    );
    none("60岁以上老年人健康管理");
    assert_eq!(
        found("全市12-17岁在校学生疫苗接种率达到96.3%"),
        [fig("96.3%", 96.3, "%")],
        "an age range names the population"
    );
    assert_eq!(found("孕产妇死亡率8.5/10万"), [fig("8.5/10万", 8.5, "/10万")]);
    assert_eq!(found("高峰时段交通指数为5.3"), [fig("5.3", 5.3, "")]);
    assert_eq!(one("交通指数控制在5.5以内").qualifier, Qualifier::AtMost);
    none("发布长安链3.0");
    assert_eq!(one("人均预期寿命达到82.51岁").kind, Kind::Actual, "预期寿命 is no forecast");
    assert_eq!(one("婴儿死亡率为1.86‰").kind, Kind::Actual);
}

/// Random text of the characters the rules look at, in every order: no
/// panic, every span is the figure's text, every sentence contains it.
#[test]
fn random_text_never_breaks_the_rules() {
    const ALPHABET: &[&str] = &[
        "1",
        "2",
        "0",
        "9",
        ".",
        ",",
        "，",
        "。",
        "、",
        "；",
        "：",
        "-",
        "/",
        "+",
        "%",
        "％",
        "‰",
        " ",
        "\n",
        "一",
        "二",
        "两",
        "十",
        "百",
        "千",
        "万",
        "亿",
        "余",
        "多",
        "约",
        "近",
        "超过",
        "不低于",
        "左右",
        "以上",
        "以内",
        "第",
        "年",
        "月",
        "日",
        "个",
        "家",
        "项",
        "人次",
        "元",
        "岁",
        "倍",
        "成",
        "大",
        "方面",
        "占",
        "增长",
        "下降",
        "预计",
        "拟",
        "推动",
        "“",
        "”",
        "《",
        "》",
        "（",
        "）",
        "的",
        "目标",
        "指数",
        "为",
        "分别",
        "其中",
        "G",
        "P",
        "类",
        "期",
        "届",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 60) as usize;
        let text: String = (0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize]).collect();
        for col in [Column::Task, Column::Status] {
            let chars: Vec<char> = text.chars().collect();
            for f in cell_figures(&text, col, 1) {
                assert_eq!(chars[f.span.0..f.span.1].iter().collect::<String>(), f.text, "in {text:?}");
                assert!(f.sentence.contains(&f.text), "{f:?} in {text:?}");
                assert!(f.value.is_finite(), "{f:?} in {text:?}");
            }
        }
    }
}

#[test]
fn a_huge_cell_without_punctuation() {
    // Sentences and clauses are looked for within a bounded reach, so a
    // pasted table of thousands of figures is read in linear time.
    let text = "新建9个平台和12家机构".repeat(5_000);
    let figs = cell_figures(&text, Column::Status, 1);
    assert_eq!(figs.len(), 10_000);
    assert!(figs.iter().all(|f| f.sentence.chars().count() <= 801));
}

#[test]
fn ranges_are_two_bounds() {
    let figs = cell_figures("推动建设3-5个公共海外仓", Column::Task, 1);
    let got: Vec<_> = figs.iter().map(|f| (f.text.as_str(), f.value, f.unit.as_str(), f.qualifier)).collect();
    assert_eq!(got, [("3", 3.0, "个", Qualifier::AtLeast), ("5个", 5.0, "个", Qualifier::AtMost)]);
    let figs = cell_figures("服务贸易进出口额增长8%-10%", Column::Task, 1);
    let got: Vec<_> = figs.iter().map(|f| (f.text.as_str(), f.value, f.qualifier)).collect();
    assert_eq!(got, [("8%", 8.0, Qualifier::AtLeast), ("10%", 10.0, Qualifier::AtMost)]);
    none("2022年1-11月");
    none("（26-1、26-2）");
}

#[test]
fn lists_share_their_kind_and_plans_can_follow() {
    let figs = status("分别完成年度目标的118%和112.2%。");
    assert!(figs.iter().all(|f| f.kind == Kind::Share), "{figs:#?}");
    assert_eq!(one("约三成园区阶段性停业").kind, Kind::Share);
    assert_eq!(one("其余8处计划于第三季度完工。").kind, Kind::Target);
    assert_eq!(one("淘汰落后工艺装置9套").kind, Kind::Actual);
    assert_eq!(found("完成生活污水治理318村"), [fig("318村", 318.0, "村")]);
}

#[test]
fn rates_after_respectively_describe_the_counts_before() {
    let figs = status("全市共发生生产安全事故43起、死亡46人，同比分别下降12.2%和9.8%。");
    let labels: Vec<_> = figs.iter().map(|f| (f.text.as_str(), f.label.as_str())).collect();
    assert_eq!(labels[2], ("12.2%", "生产安全事故增长"));
    assert_eq!(labels[3], ("9.8%", "死亡人数增长"));
    assert_eq!((figs[2].value, figs[3].value), (-12.2, -9.8));
}

// ------------------------------------------------------------ hostile text
//
// Inputs that once hung or aborted ingest. Each must finish; what it finds
// is checked too, so that a fix by refusing everything would fail.

#[test]
fn a_long_list_of_bare_numerals_finishes() {
    // A recursive look-ahead for the list's unit took hours at 40 items.
    let items: Vec<String> = (1..=40).map(|i| i.to_string()).collect();
    let text = format!("各区分别为{}个", items.join("、"));
    let figs = status(&text);
    assert!(figs.iter().all(|f| f.unit == "个"), "{figs:#?}");
    assert!(figs.iter().any(|f| f.value == 40.0) && figs.iter().any(|f| f.value == 39.0), "{figs:#?}");
    // A short list still shares its unit from the last item.
    assert_eq!(found("分别增长2.1、3.3%").iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), ["%", "%"]);
}

#[test]
fn repeated_percent_words_do_not_recurse() {
    // 20,000 百分之 once recursed 20,000 deep and overflowed the stack.
    let text = format!("{}5的增长", "百分之".repeat(20_000));
    let figs = status(&text);
    assert!(figs.iter().all(|f| f.unit == "%" && f.value == 5.0), "{:?}", figs.first());
    assert_eq!(found("占比达到百分之三十"), [fig("百分之三十", 30.0, "%")]);
}

#[test]
fn unclosed_quotes_and_empty_titles_are_linear_and_still_protect() {
    let text = "“".repeat(20_000) + "完成5个项目";
    assert_eq!(status(&text).len(), 1);
    let text = "《》1个".repeat(40_000);
    let figs = status(&text);
    assert_eq!(figs.len(), 40_000, "an empty title protects nothing after it");
    none("印发《第2批名单》");
}

#[test]
fn long_runs_of_numeral_chars_are_not_numerals() {
    none(&"万".repeat(50_000));
    none(&"三".repeat(50_000));
    assert!(status(&"１".repeat(50_000)).len() <= 1);
    assert_eq!(found("新建三百零五个"), [fig("三百零五个", 305.0, "个")]);
}

#[test]
fn a_list_shares_the_words_before_its_first_head() {
    let figs = status("24家园区企业与14所高校联合培养工程硕士92人、博士53人。");
    let phd = figs.iter().find(|f| f.text == "53人").unwrap();
    assert!(phd.label.contains("联合培养") && phd.label.ends_with("博士"), "{}", phd.label);
}

#[test]
fn last_years_value_in_an_aside_is_a_level() {
    let figs = status("全市技术合同成交额4850.2亿元，同比增长21.1%（上年为4003.51亿元）。");
    let last = &figs[2];
    assert_eq!((last.kind, last.label.as_str()), (Kind::Actual, "全市技术合同成交额"));
}

#[test]
fn a_base_years_level_is_named_as_the_level() {
    let figs = status("全区外贸进出口389.7亿元，同比增长19.4%，较2019年的340.5亿元增长14.4%。");
    assert_eq!((figs[2].kind, figs[2].label.as_str()), (Kind::Actual, "全区外贸进出口"));
}

#[test]
fn a_sessions_name_is_no_count() {
    none("深入学习贯彻党的二十大和二十届二中全会精神");
    assert_eq!(found("连续举办五届"), [fig("五届", 5.0, "届")]);
}

#[test]
fn acts_done_to_one_thing_and_days_spoken_of_name_them() {
    assert_eq!(one("完成排污许可证核发和登记管理1.1万余家。").label, "排污许可证核发和登记管理");
    // Said of the days, with no noun before them.
    let figs = status("全年共有30天受到外来沙尘直接影响。");
    assert_eq!(figs[0].label, "受到外来沙尘影响的天数");
}

#[test]
fn a_passives_agent_says_which_ones() {
    let figs = status("出现重污染日8天，其中6天为外来沙尘造成。");
    assert_eq!(figs[1].label, "外来沙尘造成的重污染日");
}

#[test]
fn plans_completed_years_compared_and_more_units() {
    let figs = status("全年完成交通固定资产投资486.3亿元，为年度计划的101.3%。");
    assert_eq!(figs[1].label, "交通固定资产投资年度计划完成率");
    assert_eq!(one("全市营运车辆二氧化碳排放较2020年下降2.3%。").label, "全市营运车辆二氧化碳排放");
    assert_eq!(found("集装箱吞吐量436万TEU"), [fig("436万TEU", 4.36e6, "TEU")]);
    assert_eq!(one("港口岸电覆盖泊位增至41个。").label, "港口岸电覆盖泊位");
}

#[test]
fn things_under_construction_and_work_as_planned_are_no_goals() {
    assert_eq!(status("目前在建线路6条。")[0].kind, Kind::Actual);
    assert_eq!(status("同时正在建设二期产能20000片/月。")[0].kind, Kind::Target);
    assert_eq!(status("其余2项按计划推进。")[0].kind, Kind::Actual);
}
